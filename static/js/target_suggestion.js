// The targets page's suggestions (plans/target_suggestions.py): each is shown as text beside its
// field, never written into it. With scripts, a button beside it copies the suggested score into
// the field when the coordinator presses it; nothing is saved until the form is.
// Without scripts the buttons stay hidden and the suggestion reads as text.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-suggestion-for]");
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute("data-suggestion-for"));
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      field.value = button.getAttribute("data-suggestion-value");
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.focus();
    });
  });
})();
