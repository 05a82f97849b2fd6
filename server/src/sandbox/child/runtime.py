"""The Python side of a sandbox worker.

Loaded once per interpreter, before lockdown. The worker script calls four functions through the
interpreter's foreign-function layer: configure, run, drop and lockdown. Everything else here is private.
Only strings cross that boundary: run() takes the session id and the code and returns a JSON document.
"""

import builtins
import gc
import json
import linecache
import os
import posix
import re
import signal
import sys
import time
import types
import traceback

RUNTIME_FILE = "<sandbox-runtime>"
BRIDGE_PATH = "/dev/world"
CONFIG = {"output_limit": 20000, "max_request_chars": 1000000, "max_frames": 10, "trace_limit": 8000}

# Modules agent code may not import. The worker already closes the doors they lead to (no network, no
# processes, no JavaScript objects); refusing them here turns a confusing failure into a clear message.
DENIED = {
    "js": "JavaScript access",
    "pyodide_js": "JavaScript access",
    "pyodide": "JavaScript access",
    "_pyodide": "JavaScript access",
    "_pyodide_core": "JavaScript access",
    "micropip": "package installation",
    "socket": "network access",
    "_socket": "network access",
    "ssl": "network access",
    "_ssl": "network access",
    "http.client": "network access",
    "urllib.request": "network access",
    "ftplib": "network access",
    "smtplib": "network access",
    "poplib": "network access",
    "imaplib": "network access",
    "socketserver": "network access",
    "xmlrpc.client": "network access",
    "xmlrpc.server": "network access",
    "webbrowser": "network access",
    "asyncio": "event loop",
    "subprocess": "processes",
    "_posixsubprocess": "processes",
    "multiprocessing": "processes",
    "concurrent.futures.process": "processes",
    "pty": "processes",
    "ctypes": "raw memory access",
    "_ctypes": "raw memory access",
}

# Built-in C modules that stay unavailable: the import system cannot create them after lockdown.
UNSAFE_BUILTINS = {"_ctypes", "_socket", "_posixsubprocess", "_pyodide_core"}

# The runtime's own references: sessions share the interpreter's modules, and a step that replaces
# json.dumps or os.read must break only itself, not the bridge or the reports of every later step.
_print = builtins.print
_dumps = json.dumps
_loads = json.loads
_os_open, _os_read, _os_write, _os_close, _O_RDWR = os.open, os.read, os.write, os.close, os.O_RDWR
_signal, _SIGINT, _default_int_handler = signal.signal, signal.SIGINT, signal.default_int_handler
_setrecursionlimit = sys.setrecursionlimit
_DENIED_TOPS = frozenset(name.partition(".")[0] for name in DENIED)
_GUARDED_META_PATH = []
_RECURSION_LIMIT = sys.getrecursionlimit()
_PRISTINE_BUILTINS = dict(builtins.__dict__)
_sessions = {}
_source_counter = [0]
_INPUT_NAME = re.compile(r'File "<python-input#\d+>"')
_INPUT_NAME_IN_TEXT = re.compile(r"<python-input#\d+>")


class _Session:
    __slots__ = ("namespace", "sources")

    def __init__(self):
        self.sources = []
        own_builtins = dict(_PRISTINE_BUILTINS)
        own_builtins["print"] = _json_print
        own_builtins["input"] = _no_input
        self.namespace = {"__name__": "__main__", "__builtins__": own_builtins, "apis": Apis()}


class _Capture:
    """sys.stdout and sys.stderr during a step: keeps the first output_limit characters, counts the rest."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, limit):
        self.parts = []
        self.kept = 0
        self.omitted = 0
        self.limit = limit

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        size = len(text)
        room = self.limit - self.kept
        if room <= 0:
            self.omitted += size
        elif size <= room:
            self.parts.append(text)
            self.kept += size
        else:
            self.parts.append(text[:room])
            self.kept += room
            self.omitted += size - room
        return size

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True

    def text(self):
        # Warnings name the step's source file; show it as the agent knows it.
        return _INPUT_NAME_IN_TEXT.sub("<python-input>", "".join(self.parts))


def _render(value):
    # The world answers with plain dicts and lists; agents read them best as JSON, as in AppWorld.
    if isinstance(value, (dict, list)):
        try:
            return _dumps(value, indent=2, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            return value
    return value


def _json_print(*values, sep=" ", end="\n", file=None, flush=False):
    _print(*[_render(v) for v in values], sep=sep, end=end, file=file, flush=flush)


def _no_input(prompt=""):
    raise RuntimeError("input() is not available: the sandbox has no interactive input")


class Apis:
    """apis.<app>.<api>(**kwargs) calls the world; the answer comes back as plain JSON values."""

    __slots__ = ()

    def __getattr__(self, app):
        if app.startswith("_"):
            raise AttributeError(app)
        return _App(app)

    def __repr__(self):
        return "<apis: call apis.<app>.<api>(**kwargs)>"


class _App:
    __slots__ = ("_app",)

    def __init__(self, app):
        self._app = app

    def __getattr__(self, api):
        if api.startswith("_"):
            raise AttributeError(api)
        return _Api(self._app, api)

    def __repr__(self):
        return f"<app {self._app}>"


class _Api:
    __slots__ = ("_app", "_api")

    def __init__(self, app, api):
        self._app = app
        self._api = api

    def __call__(self, *args, **kwargs):
        if args:
            raise TypeError(
                f"apis.{self._app}.{self._api}() takes keyword arguments only, "
                f"e.g. apis.{self._app}.{self._api}(name=value)"
            )
        return _call_world(self._app, self._api, kwargs)

    def __repr__(self):
        return f"<api {self._app}.{self._api}>"


def _call_world(app, api, kwargs):
    try:
        request = _dumps({"app": app, "api": api, "kwargs": kwargs}, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"arguments to apis.{app}.{api} must be JSON values (str, number, bool, None, list, dict): {error}") from None
    if len(request) > CONFIG["max_request_chars"]:
        raise ValueError(f"arguments to apis.{app}.{api} are too large ({len(request)} characters)")
    fd = _os_open(BRIDGE_PATH, _O_RDWR)
    try:
        _os_write(fd, request.encode("utf-8"))
        chunks = []
        while True:
            chunk = _os_read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        _os_close(fd)
    reply = _loads(b"".join(chunks))
    if reply.get("interrupted"):
        raise KeyboardInterrupt
    status = reply["status"]
    body = reply["body"]
    if status >= 400:
        error = Exception(f"Response status code is {status}:\n{_dumps(body, ensure_ascii=False)}")
        error._sandbox_api_status = status
        raise error
    return body


def _agent_traceback(tb):
    kept = []
    while tb is not None:
        if tb.tb_frame.f_code.co_filename != RUNTIME_FILE:
            kept.append(tb)
        tb = tb.tb_next
    rebuilt = None
    for entry in reversed(kept):
        rebuilt = types.TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return rebuilt


def _strip_runtime_frames(error, seen):
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        error.__traceback__ = _agent_traceback(error.__traceback__)
        _strip_runtime_frames(error.__cause__, seen)
        error = error.__context__


def _clip_front(text, limit):
    if len(text) <= limit:
        return text
    return f"[traceback truncated: {len(text) - limit} characters omitted]\n" + text[-limit:]


def _describe_failure(error):
    _strip_runtime_frames(error, set())
    full = "".join(traceback.format_exception(error, limit=-CONFIG["max_frames"]))
    summary = "".join(traceback.format_exception_only(error))
    frames = full[: -len(summary)] if full.endswith(summary) else full
    if frames.startswith("Traceback (most recent call last):\n"):
        frames = frames[len("Traceback (most recent call last):\n") :]
    frames = _INPUT_NAME.sub('File "<python-input>"', frames)
    limit = CONFIG["trace_limit"]
    return _clip_front(frames, limit), _clip_front(summary, limit)


def _describe_syntax_error(error):
    line = (error.text or "").strip("\n").strip()
    message = error.msg or type(error).__name__
    text = f"Syntax error in line:\n{line}\nMessage: {message}\n"
    summary = f"{type(error).__name__}: {message} (line {error.lineno})"
    return _clip_front(text, CONFIG["trace_limit"]), summary


def _register_source(session, code):
    _source_counter[0] += 1
    name = f"<python-input#{_source_counter[0]}>"
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)
    session.sources.append(name)
    return name


def _execute(session, code, capture):
    name = _register_source(session, code)
    try:
        compiled = compile(code, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        if isinstance(error, SyntaxError):
            trace, summary = _describe_syntax_error(error)
        else:
            trace, summary = "", f"{type(error).__name__}: {error}\n"
        return {"status": "syntax", "trace": trace, "summary": summary}
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = capture
    try:
        exec(compiled, session.namespace)
    except BaseException as error:
        sys.stdout, sys.stderr = saved
        trace, summary = _describe_failure(error)
        if isinstance(error, KeyboardInterrupt):
            status = "interrupted"
        elif getattr(error, "_sandbox_api_status", None) is not None:
            status = "api_error"
        else:
            status = "exception"
        return {"status": status, "trace": trace, "summary": summary}
    finally:
        sys.stdout, sys.stderr = saved
    return {"status": "ok"}


def _reset_process_state():
    # Sessions share the interpreter's modules. A step may have ignored SIGINT (the interrupt a timeout
    # sends), raised the recursion limit, or taken the import guard down; the next step, whichever session
    # it belongs to, starts from the guarded defaults again.
    _signal(_SIGINT, _default_int_handler)
    _setrecursionlimit(_RECURSION_LIMIT)
    if _GUARDED_META_PATH and sys.meta_path != _GUARDED_META_PATH:
        sys.meta_path = list(_GUARDED_META_PATH)
    for name in [n for n in sys.modules if n.partition(".")[0] in _DENIED_TOPS]:
        if _is_denied_name(name):
            del sys.modules[name]


def run(session_id, code):
    """Runs one step of a session; never raises. Returns a JSON document describing what happened."""
    try:
        _reset_process_state()
        session = _sessions.get(session_id)
        if session is None:
            session = _sessions[session_id] = _Session()
        capture = _Capture(CONFIG["output_limit"])
        result = _execute(session, code, capture)
        result["output"] = capture.text()
        result["omitted"] = capture.omitted
        return _dumps(result, ensure_ascii=False)
    except BaseException as error:
        status = "interrupted" if isinstance(error, KeyboardInterrupt) else "exception"
        summary = f"{type(error).__name__}: {error}\n"
        return _dumps({"status": status, "trace": "", "summary": summary, "output": "", "omitted": 0})
    finally:
        # Also restored on the way out: an interrupt that lands before the next step's first line would
        # otherwise meet a handler this step set to ignore it.
        _restore_interrupt_handler()


def _restore_interrupt_handler():
    try:
        _signal(_SIGINT, _default_int_handler)
    except BaseException:
        pass


def drop(session_id):
    """Forgets a session's variables and the source lines kept for its tracebacks."""
    session = _sessions.pop(session_id, None)
    if session is not None:
        for name in session.sources:
            linecache.cache.pop(name, None)
        session.namespace.clear()
    return None


def configure(settings_json):
    CONFIG.update(_loads(settings_json))
    return None


# ---- lockdown -----------------------------------------------------------------------------------------


class _DenyFinder:
    """First on sys.meta_path: refuses the modules in DENIED with a message the agent can act on."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        for denied, reason in DENIED.items():
            if name == denied or name.startswith(denied + "."):
                raise ModuleNotFoundError(f"module '{name}' is not available in the sandbox (no {reason})", name=name)
        return None


def _refuse_builtin(*args, **kwargs):
    raise ImportError("the sandbox cannot create new built-in or extension modules")


def _no_processes(*args, **kwargs):
    raise OSError("processes are not available in the sandbox")


def _interruptible_sleep(seconds, _sleep=getattr(time.sleep, "__wrapped__", time.sleep), _monotonic=time.monotonic):
    # The interpreter's own sleep blocks the thread without looking at the interrupt buffer; short slices
    # let a timeout or a cancellation land.
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = _monotonic() + seconds
    while True:
        left = deadline - _monotonic()
        if left <= 0:
            return None
        _sleep(min(left, 0.05))


def _is_denied_name(name):
    return any(name == d or name.startswith(d + ".") for d in DENIED)


def lockdown():
    """Removes every path from Python to JavaScript objects, then closes the import system behind it."""
    core = sys.modules["_pyodide_core"]
    core_types = [v for v in core.__dict__.values() if isinstance(v, type)]
    bridge_types = [
        t
        for t in _all_subclasses(object)
        if (getattr(t, "__module__", "") or "").startswith(("pyodide", "_pyodide"))
    ] + core_types
    # Every subclass is enumerated, so an exact type lookup finds every instance.
    jsproxy_types = frozenset(bridge_types)

    # Pre-load the harmless built-in modules: once the import system cannot create built-ins, what is
    # loaded now is all there will be.
    for name in sys.builtin_module_names:
        if name not in UNSAFE_BUILTINS and name not in sys.modules:
            try:
                __import__(name)
            except ImportError:
                pass
    for name in ("json", "re", "math", "datetime", "collections", "itertools", "functools", "random", "string"):
        __import__(name)

    sys.meta_path[:] = [f for f in sys.meta_path if (getattr(f, "__module__", "") or "").startswith("_frozen_importlib")]
    sys.meta_path.insert(0, _DenyFinder)
    _GUARDED_META_PATH[:] = sys.meta_path
    _hide_bridge_sources()
    for name in list(sys.modules):
        if _is_denied_name(name):
            del sys.modules[name]

    import _imp

    _imp.create_builtin = _refuse_builtin
    _imp.create_dynamic = _refuse_builtin
    os.system = posix.system = _no_processes
    time.sleep = _interruptible_sleep
    os.environ.clear()
    _unwrap_pyodide_patches()

    # Sweep the heap: every container that still points at a JavaScript proxy, a function of the
    # JavaScript bridge or a denied module loses that reference. Pyodide's own modules are emptied, which
    # also empties the globals of every function they define.
    gc.collect()
    for obj in gc.get_objects():
        if isinstance(obj, types.ModuleType) and _is_denied_name(vars(obj).get("__name__", "")) and obj is not core:
            obj.__dict__.clear()
        elif isinstance(obj, types.FunctionType) and _is_denied_name(obj.__module__ or ""):
            # Also the globals of modules that are already gone but whose functions live on.
            obj.__globals__.clear()
    emptied = 0
    # A class's attributes change through setattr, which keeps the interpreter's attribute cache right;
    # writing into the class's dict behind its back would not.
    type_dicts = set()
    for cls in [o for o in gc.get_objects() if isinstance(o, type)]:
        type_dicts.update(id(ref) for ref in gc.get_referents(cls) if type(ref) is dict)
        for key, value in list(vars(cls).items()):
            if _dangerous(value, core, jsproxy_types):
                try:
                    type.__setattr__(cls, key, None)
                    emptied += 1
                except (TypeError, AttributeError):
                    pass
    for _ in range(2):
        for obj in gc.get_objects():
            if isinstance(obj, dict) and id(obj) in type_dicts:
                continue
            if _holds_dangerous(obj, core, jsproxy_types):
                emptied += _cut(obj, core, jsproxy_types)
    core.__dict__.clear()
    for jstype in bridge_types:
        for attr in ("new", "_new_exc", "__new__"):
            if attr in vars(jstype):
                try:
                    setattr(jstype, attr, _refuse_builtin if attr != "__new__" else staticmethod(_refuse_builtin))
                except (TypeError, AttributeError):
                    pass
    clear_caches = getattr(sys, "_clear_internal_caches", None) or sys._clear_type_cache
    clear_caches()
    gc.collect()
    return emptied


def _hide_bridge_sources():
    # Pyodide's own Python packages sit in the standard library archive. They can do nothing without the
    # C bridge module (which can no longer be created), but hiding them keeps their names from importing.
    import zipimport

    hidden = ("pyodide/", "_pyodide/")

    def without_bridge(files):
        return {key: value for key, value in files.items() if not key.startswith(hidden)}

    read_directory = zipimport._read_directory
    zipimport._read_directory = lambda archive: without_bridge(read_directory(archive))
    for archive, files in list(zipimport._zip_directory_cache.items()):
        zipimport._zip_directory_cache[archive] = without_bridge(files)


def _unwrap_pyodide_patches():
    # Pyodide wraps a few standard functions (asyncio.run, time.sleep) with code that calls into
    # JavaScript; once its modules are emptied those wrappers would fail, so put the originals back.
    for module in list(sys.modules.values()):
        if module is None or _is_denied_name(getattr(module, "__name__", "")):
            continue
        for key, value in list(vars(module).items()):
            if isinstance(value, types.FunctionType) and "pyodide" in value.__code__.co_filename:
                setattr(module, key, getattr(value, "__wrapped__", None))


def _holds_dangerous(obj, core, jsproxy_types):
    # A plain loop: a generator here would turn `core` into a closure cell, which the sweep then empties.
    for ref in gc.get_referents(obj):
        if _dangerous(ref, core, jsproxy_types):
            return True
    return False


def _cut(obj, core, jsproxy_types):
    """Drops obj's references to dangerous objects; returns how many it dropped."""
    cut = 0
    if isinstance(obj, dict):
        for key, value in list(obj.items()):
            if _dangerous(value, core, jsproxy_types):
                obj[key] = None
                cut += 1
    elif isinstance(obj, list):
        kept = [v for v in obj if not _dangerous(v, core, jsproxy_types)]
        cut = len(obj) - len(kept)
        obj[:] = kept
    elif isinstance(obj, types.CellType):
        obj.cell_contents = None
        cut = 1
    elif not isinstance(obj, (type, tuple, frozenset, types.MethodType, types.FrameType)):
        # Instance attributes: Python 3.13 keeps most of them inline, with no dict object of their own
        # for the collector to list, and slots never have one.
        try:
            attributes = vars(obj)
        except TypeError:
            attributes = {}
        for key, value in list(attributes.items()):
            if _dangerous(value, core, jsproxy_types):
                attributes[key] = None
                cut += 1
        for klass in type(obj).__mro__:
            for slot in getattr(klass, "__slots__", ()):
                if isinstance(slot, str) and not slot.startswith("__"):
                    try:
                        if _dangerous(getattr(obj, slot), core, jsproxy_types):
                            setattr(obj, slot, None)
                            cut += 1
                    except (AttributeError, TypeError):
                        pass
    return cut


def _dangerous(value, core, jsproxy_types):
    kind = type(value)
    if kind in jsproxy_types:
        return True
    if kind is types.ModuleType:
        name = vars(value).get("__name__")
        return name is None or _is_denied_name(name)
    return kind is types.BuiltinFunctionType and value.__self__ is core


def _all_subclasses(root):
    seen = set()
    stack = [root]
    found = []
    while stack:
        cls = stack.pop()
        try:
            subs = type.__subclasses__(cls) if cls is type else cls.__subclasses__()
        except TypeError:
            continue
        for sub in subs:
            if sub not in seen:
                seen.add(sub)
                found.append(sub)
                stack.append(sub)
    return found
