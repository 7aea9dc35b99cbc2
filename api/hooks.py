"""drf-spectacular hooks."""


def only_v1(endpoints, **kwargs):
    """The description covers /api/v1/ only (not the suggestions' old alias)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def no_titles(result, **kwargs):
    """Drop the fields' titles (Django's verbose names, in the language of the moment):
    the descriptions carry both languages, and the schema stays the same in every language."""
    for component in result.get("components", {}).get("schemas", {}).values():
        for prop in component.get("properties", {}).values():
            prop.pop("title", None)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                parameter.get("schema", {}).pop("title", None)
    return result
