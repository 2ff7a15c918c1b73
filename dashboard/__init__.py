"""The Gradio dashboard for relationship managers: layout (ui.py), event glue (panels.py), charts."""
