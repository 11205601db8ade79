/*
 * _strata_ust: a CPython profile hook that emits the LTTng-UST "python" provider's events (tp.h).
 *
 * A C-level profile function (PyEval_SetProfile*) costs one C call per event, no Python frame, no tuple:
 * the cheapest hook CPython offers before 3.12's sys.monitoring (see the README for measured figures).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>

#define LTTNG_UST_TRACEPOINT_DEFINE
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#include "tp.h"

/* Per-thread nesting since the hook was installed: returns of frames entered before it (the caller of
   start(), the site module) are not emitted, so every recorded return has its call. */
static _Thread_local long depth_py;
static _Thread_local long depth_c;
static int active;

static const char *utf8_or(PyObject *s, const char *fallback)
{
    if (s == NULL || !PyUnicode_Check(s))
        return fallback;
    const char *u = PyUnicode_AsUTF8(s); /* cached in the str object after the first call */
    if (u == NULL) {
        PyErr_Clear();
        return fallback;
    }
    return u;
}

static void emit_call(PyFrameObject *frame)
{
    PyCodeObject *code = PyFrame_GetCode(frame);
#if PY_VERSION_HEX >= 0x030B0000
    PyObject *qualname = code->co_qualname;
#else
    PyObject *qualname = code->co_name;
#endif
    lttng_ust_tracepoint(python, call, utf8_or(qualname, "?"), utf8_or(code->co_filename, ""),
                         code->co_firstlineno);
    Py_DECREF(code);
}

/* Built-in name and the module (or type, for a method) it belongs to. */
static void emit_c_call(PyObject *fn)
{
    const char *name = "?";
    const char *module = "";
    if (PyCFunction_Check(fn)) {
        PyCFunctionObject *cf = (PyCFunctionObject *)fn;
        name = cf->m_ml->ml_name;
        PyObject *self = cf->m_self;
        if (cf->m_module != NULL && PyUnicode_Check(cf->m_module))
            module = utf8_or(cf->m_module, "");
        else if (self != NULL && PyModule_Check(self)) {
            const char *m = PyModule_GetName(self);
            if (m != NULL)
                module = m;
            else
                PyErr_Clear();
        } else if (self != NULL && self != Py_None)
            module = Py_TYPE(self)->tp_name;
    } else if (fn != NULL && PyObject_TypeCheck(fn, &PyMethodDescr_Type)) {
        /* an unbound method called through its descriptor (3.11 profiles `[].sort()` this way) */
        PyMethodDescrObject *d = (PyMethodDescrObject *)fn;
        name = d->d_method->ml_name;
        module = PyDescr_TYPE(d)->tp_name;
    } else if (fn != NULL) {
        name = Py_TYPE(fn)->tp_name;
    }
    lttng_ust_tracepoint(python, c_call, name, module);
}

static int profile(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
    (void)obj;
    switch (what) {
    case PyTrace_CALL:
        depth_py++;
        emit_call(frame);
        break;
    case PyTrace_RETURN: /* also when an exception unwinds the frame, and at each generator yield */
        if (depth_py > 0) {
            depth_py--;
            lttng_ust_tracepoint(python, return);
        }
        break;
    case PyTrace_C_CALL:
        depth_c++;
        emit_c_call(arg);
        break;
    case PyTrace_C_RETURN:
    case PyTrace_C_EXCEPTION: /* a raising built-in still ends: emit its return so the stack stays matched */
        if (depth_c > 0) {
            depth_c--;
            lttng_ust_tracepoint(python, c_return);
        }
        break;
    }
    return 0;
}

/*
 * New threads: threading.setprofile() makes each one call sys.setprofile(thread_hook) before run(), and
 * thread_hook's first call installs the C hook in that thread (PyEval_SetProfileAllThreads, 3.12+, only
 * reaches the threads that already run).
 */
static PyObject *thread_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (!active) {
        PyEval_SetProfile(NULL, NULL);
        Py_RETURN_NONE;
    }
    PyEval_SetProfile(profile, NULL);
    /* The event that triggered us is the thread's run() call (or the c_return of sys.setprofile itself). */
    if (nargs >= 2 && PyFrame_Check(args[0]) && PyUnicode_Check(args[1]) &&
        PyUnicode_CompareWithASCIIString(args[1], "call") == 0)
        profile(NULL, (PyFrameObject *)args[0], PyTrace_CALL, NULL);
    Py_RETURN_NONE;
}

static PyMethodDef thread_hook_def = {"_thread_hook", (PyCFunction)(void (*)(void))thread_hook, METH_FASTCALL,
                                      NULL};

static int set_threading_profile(PyObject *hook)
{
    PyObject *threading = PyImport_ImportModule("threading");
    if (threading == NULL)
        return -1;
    PyObject *r = PyObject_CallMethod(threading, "setprofile", "O", hook);
    Py_DECREF(threading);
    if (r == NULL)
        return -1;
    Py_DECREF(r);
    return 0;
}

static PyObject *start(PyObject *module, PyObject *unused)
{
    (void)unused;
    active = 1;
    PyObject *hook = PyCFunction_New(&thread_hook_def, module);
    if (hook == NULL)
        return NULL;
    int rc = set_threading_profile(hook);
    Py_DECREF(hook);
    if (rc < 0)
        return NULL;
#if PY_VERSION_HEX >= 0x030C0000
    PyEval_SetProfileAllThreads(profile, NULL);
#else
    PyEval_SetProfile(profile, NULL);
#endif
    Py_RETURN_NONE;
}

static PyObject *stop(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    active = 0;
    /* Unhook first, so that threading.setprofile's own frame is not recorded. */
#if PY_VERSION_HEX >= 0x030C0000
    PyEval_SetProfileAllThreads(NULL, NULL);
#else
    PyEval_SetProfile(NULL, NULL);
#endif
    if (set_threading_profile(Py_None) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *is_active(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyBool_FromLong(active);
}

static PyMethodDef methods[] = {
    {"start", start, METH_NOARGS, "Install the profile hook in every thread (existing ones from 3.12, new ones always)."},
    {"stop", stop, METH_NOARGS, "Remove the profile hook."},
    {"active", is_active, METH_NOARGS, "Whether the hook is installed."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT, "_strata_ust",
                                       "LTTng-UST python:* events from a C profile hook.", -1, methods,
                                       NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__strata_ust(void)
{
    return PyModule_Create(&moduledef);
}
