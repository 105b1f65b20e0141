"""A small client of Streamlit's browser protocol, for load tests and deployment checks.

What a browser tab does, without the browser: GET the page (nginx hands out the route cookie),
open the websocket /_stcore/stream with the subprotocol "streamlit", send a ``BackMsg`` with
``rerun_script`` (the page's url path in ``page_name``, as Streamlit's frontend does), and read
``ForwardMsg`` frames until ``script_finished``. Like a browser, each rerun sends back the
value every widget of the last run shows (a person who looks and touches nothing): without
them, a widget whose value the app set in ``st.session_state`` (the sidebar's as-of date, set
to the data's last day) falls back to its default on the next run (the as-of date became
today, and every page computed at a date no derived table was built for). Streamlit's own e2e tests drive a real browser
(Playwright); this speaks the protobuf messages from ``streamlit.proto`` directly, so fifty
sessions cost fifty sockets, not fifty Chromium tabs.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


@dataclass
class RunResult:
    seconds: float
    status: int  # ForwardMsg.ScriptFinishedStatus
    exceptions: list[str] = field(default_factory=list)  # st.exception elements drawn (message)
    elements: int = 0  # deltas received


def route_cookie(base_url: str, timeout: float = 30.0) -> str | None:
    """What a browser's first page load brings back: the proxy's route cookie (None direct)."""
    with urllib.request.urlopen(base_url.rstrip("/") + "/", timeout=timeout) as response:
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    morsel = cookies.get("clv_route")
    return f"clv_route={morsel.value}" if morsel else None


def shown_value(element) -> WidgetState | None:
    """The state a browser sends back for a widget it shows and nobody touched: the value the
    server set (``set_value``), else the widget's default; None for a button or no value."""
    kind = element.WhichOneof("type")
    widget = getattr(element, kind, None) if kind else None
    if widget is None or not getattr(widget, "id", ""):
        return None
    is_set = getattr(widget, "set_value", False)
    state = WidgetState(id=widget.id)
    if kind in ("date_input", "date_time_input"):
        state.string_array_value.data[:] = list(widget.value if is_set else widget.default)
    elif kind == "slider" and widget.options:  # st.select_slider: the options' labels
        if is_set:
            values = list(widget.raw_value)
        else:
            values = [widget.options[int(i)] for i in widget.default if 0 <= i < len(widget.options)]
        state.string_array_value.data[:] = values
    elif kind == "slider":
        state.double_array_value.data[:] = list(widget.value if is_set else widget.default)
    elif kind == "checkbox":
        state.bool_value = widget.value if is_set else widget.default
    elif kind in ("multiselect", "button_group"):
        if is_set:
            values = list(widget.raw_values)
        else:
            labels = [o.content if kind == "button_group" else o for o in widget.options]
            values = [labels[i] for i in widget.default if 0 <= i < len(labels)]
        state.string_array_value.data[:] = values
    elif kind in ("radio", "selectbox"):
        if is_set:
            if not widget.HasField("raw_value"):
                return None
            state.string_value = widget.raw_value
        elif widget.HasField("default") and 0 <= widget.default < len(widget.options):
            state.string_value = widget.options[widget.default]
        else:
            return None
    elif kind == "number_input":
        if not (is_set or widget.HasField("default")):
            return None
        state.double_value = widget.value if is_set else widget.default
    elif kind in ("text_input", "text_area"):
        state.string_value = widget.value if is_set else widget.default
    else:
        return None
    return state


class Session:
    """One browser session on ``base_url`` (a Streamlit process or the proxy in front)."""

    def __init__(self, base_url: str, cookie: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookie = cookie
        self.ws = None
        self.session_id: str | None = None
        self.response_headers: dict[str, str] = {}
        self._frames: asyncio.Queue = asyncio.Queue()
        self._reader: asyncio.Task | None = None
        # id -> state of the widgets the last finished run drew (sent back with each rerun).
        self.widgets: dict[str, WidgetState] = {}

    async def connect(self, fetch_cookie: bool = True) -> Session:
        if fetch_cookie and self.cookie is None:
            self.cookie = await asyncio.to_thread(route_cookie, self.base_url)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        url = "ws" + self.base_url[len("http") :] + "/_stcore/stream"
        self.ws = await websockets.connect(
            url,
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,
            open_timeout=60,
            ping_interval=None,
        )
        self.response_headers = dict(self.ws.response.headers)
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(frame)
                await self._frames.put(msg)
        except websockets.ConnectionClosed:
            pass
        await self._frames.put(None)

    async def rerun(self, page: str = "", query_string: str = "", timeout: float = 300.0) -> RunResult:
        """Ask for a run of ``page`` (url path; "" = the default page) and wait until it finished."""
        back = BackMsg()
        back.rerun_script.query_string = query_string
        back.rerun_script.page_name = page
        back.rerun_script.widget_states.widgets.extend(self.widgets.values())
        started = time.perf_counter()
        await self.ws.send(back.SerializeToString())
        exceptions: list[str] = []
        elements = 0
        drawn: dict[str, WidgetState] = {}
        deadline = started + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no script_finished for page {page!r} within {timeout:.0f} s")
            msg = await asyncio.wait_for(self._frames.get(), remaining)
            if msg is None:
                raise ConnectionError("the server closed the websocket")
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id or self.session_id
            elif kind == "delta":
                elements += 1
                element = msg.delta.new_element
                if (
                    msg.delta.WhichOneof("type") == "new_element"
                    and element.WhichOneof("type") == "exception"
                ):
                    exceptions.append(element.exception.message)
                if msg.delta.WhichOneof("type") == "new_element" and (state := shown_value(element)):
                    drawn[state.id] = state
            elif kind == "script_finished" and msg.script_finished != EARLY:
                self.widgets = drawn  # a browser forgets the widgets the run did not draw
                return RunResult(time.perf_counter() - started, msg.script_finished, exceptions, elements)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await self._reader
