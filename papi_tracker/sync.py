"""Idempotent loading: write a row only when something differs, so loading twice changes nothing."""


def sync_object(model, lookup, values):
    """Get the row matching `lookup`, creating it with `values`, or updating only the fields that differ."""
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if not created:
        changed = [field for field, value in values.items() if getattr(obj, field) != value]
        if changed:
            for field in changed:
                setattr(obj, field, values[field])
            obj.save(update_fields=changed)
    return obj
