/* A tiny extension for the recorder's tests: C frames below and around Python frames. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static long c_leaf(long x)
{
    return x * 2 + 1;
}

static long c_mid(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += c_leaf(i);
    return s;
}

/* work(n): C frames work > c_mid > n x c_leaf */
static PyObject *work(PyObject *self, PyObject *args)
{
    long n;
    if (!PyArg_ParseTuple(args, "l", &n))
        return NULL;
    return PyLong_FromLong(c_mid(n));
}

/* callback(fn): a C frame with a Python frame inside it */
static PyObject *callback(PyObject *self, PyObject *args)
{
    PyObject *fn;
    if (!PyArg_ParseTuple(args, "O", &fn))
        return NULL;
    return PyObject_CallObject(fn, NULL);
}

static PyMethodDef methods[] = {
    {"work", work, METH_VARARGS, NULL},
    {"callback", callback, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT, "cfast", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_cfast(void)
{
    return PyModule_Create(&moduledef);
}
