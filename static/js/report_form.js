// The report form keeps what the clerk types (reporting/views.py report_form, issue "never lose work"):
// - saves the draft a few seconds after typing stops (header X-Autosave; the server answers JSON
//   with the time and the report's new version, which the next save carries);
// - asks before leaving with changes not yet saved;
// - warns before the session's idle limit and keeps it alive on request;
// - counts the tasks with a status as they are chosen;
// - lets a lead take a coordinating agency's answer into its own result.
// Without scripts the form works as before: "Lưu nháp" and "Gửi báo cáo" post the whole page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;

  var DELAY = 4000; // ms after the last keystroke
  var status = form.querySelector("[data-autosave-status]");
  var version = form.querySelector("input[name=version]");
  var warning = document.querySelector("[data-session-warning]");
  var ended = document.querySelector("[data-session-ended]");
  var idleSeconds = parseInt(form.getAttribute("data-session-seconds"), 10) || 1800;
  var dirty = false, saving = false, again = false, timer = null, sessionTimer = null, submitting = false;

  // Words come from the page (translated there): data-msg-* on the form.
  function msg(name) { return form.getAttribute("data-msg-" + name) || ""; }
  function say(text) { if (status) status.textContent = text; }

  function body() {
    var data = new FormData(form);
    // Files go with "Lưu nháp" only: an autosave would upload them again at every pause.
    form.querySelectorAll("input[type=file]").forEach(function (input) { data.delete(input.name); });
    data.delete("submit");
    return data;
  }

  function save() {
    timer = null;
    if (!dirty || submitting) return;
    if (saving) { again = true; return; }
    saving = true; dirty = false;
    say(msg("saving"));
    fetch(window.location.pathname, {
      method: "POST", body: body(), credentials: "same-origin",
      headers: { "X-Autosave": "1", "X-CSRFToken": form.querySelector("input[name=csrfmiddlewaretoken]").value }
    }).then(function (response) {
      return response.json().then(function (answer) { return { code: response.status, answer: answer }; });
    }).then(function (result) {
      var answer = result.answer;
      if (result.code === 200) {
        version.value = answer.version;
        var text = msg("saved").replace("%s", answer.saved_at);
        if (answer.problems && answer.problems.length) {
          text += " · " + msg("problems").replace("%s", answer.problems.length);
        }
        say(text);
        restartSession();
      } else if (result.code === 401) {
        dirty = true;
        if (ended) ended.hidden = false;
        say(msg("expired"));
      } else {
        dirty = true;
        say(answer.error || msg("failed"));
      }
    }).catch(function () {
      dirty = true;
      say(msg("offline"));
    }).then(function () {
      saving = false;
      if (again || dirty) { again = false; schedule(); }
    });
  }

  function schedule() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  function changed(event) {
    if (event.target.form !== form) return; // a task's comment box: its own form, not the report's
    if (event.target.type === "file") { dirty = true; return; } // saved with "Lưu nháp"
    dirty = true;
    schedule();
    count();
  }

  function count() {
    var total = 0, answered = 0, sections = {};
    form.querySelectorAll("section[data-section]").forEach(function (section) {
      var key = section.getAttribute("data-section"), done = 0, all = 0;
      section.querySelectorAll("select[name$='-status']").forEach(function (select) {
        all += 1; if (select.value) done += 1;
      });
      sections[key] = done + "/" + all; total += all; answered += done;
    });
    var shown = document.querySelector("[data-answered]");
    if (shown) shown.textContent = answered;
    Object.keys(sections).forEach(function (key) {
      var cell = document.querySelector("[data-section-count='" + key + "']");
      if (cell) cell.textContent = sections[key];
    });
  }

  // The session ends after idleSeconds without a request: warn two minutes before.
  function restartSession() {
    if (sessionTimer) window.clearTimeout(sessionTimer);
    if (warning) warning.hidden = true;
    sessionTimer = window.setTimeout(function () {
      if (warning) { warning.hidden = false; warning.querySelector("[data-stay]").focus(); }
    }, Math.max(idleSeconds - 120, 30) * 1000);
  }

  if (warning) {
    warning.querySelector("[data-stay]").addEventListener("click", function () {
      // Any request keeps the session alive: a small one, and the typing saved if there is any.
      if (dirty) save();
      fetch(form.getAttribute("data-keep-alive"), {
        method: "POST", credentials: "same-origin", redirect: "manual",
        headers: { "X-CSRFToken": form.querySelector("input[name=csrfmiddlewaretoken]").value }
      }).then(function (response) {
        if (response.status === 204) { restartSession(); } else if (ended) { warning.hidden = true; ended.hidden = false; }
      });
    });
  }

  // A lead takes a coordinating agency's answer into its own: the text goes at the end of the
  // lead's result (to edit into one answer), and the "Tiếp thu" box is ticked so it is recorded.
  form.querySelectorAll("button[data-take-in]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = form.querySelector("textarea[name='" + button.getAttribute("data-take-in") + "']");
      var source = button.closest(".colleague").querySelector("[data-narrative]");
      var box = button.parentNode.querySelector("input[type=checkbox]");
      if (!target || !source) return;
      var piece = "- " + source.getAttribute("data-agency") + ": " + source.innerText.trim();
      target.value = target.value.trim() ? target.value.replace(/\s+$/, "") + "\n" + piece : piece;
      if (box) box.checked = true;
      target.dispatchEvent(new Event("input", { bubbles: true }));
      target.focus();
    });
  });

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { submitting = true; dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) { event.preventDefault(); event.returnValue = ""; }
  });
  restartSession();
})();
