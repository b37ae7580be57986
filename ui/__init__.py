"""Streamlit helpers shared by app.py and the pages: cached loaders, the shared sidebar, small widgets.

The only package besides app_pages/ and app.py that imports streamlit.
"""
