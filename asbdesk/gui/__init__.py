"""The window: Qt widgets and models over the domain in `asbdesk`. Only this package imports Qt."""
