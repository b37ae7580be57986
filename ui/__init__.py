"""Streamlit helpers shared by app.py, serve.py and the pages: cached loaders, the shared sidebar, small widgets, the
pages' list and the page the server sends for each address.

The only package besides app_pages/, app.py and serve.py that imports streamlit.
"""
