"""The app as served: `streamlit run serve.py` runs app.py on Streamlit's own server, whose page for each of the
app's addresses tells the front end where the server is (ui.front_page): a new tab opened on a page's address
starts ~0.1 s sooner. `streamlit run app.py` runs the same app without it."""
import streamlit as st

from ui import front_page

app = st.App("app.py", routes=front_page.routes())
