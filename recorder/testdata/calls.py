"""A program with a known call tree, recorded by the recorder's tests (scripts/record.test.ts).

Every function's body calls only what the test expects under it; keep the two in step.
"""
import os
import sys
import threading

import cfast  # built by the test with recorder/instrumented-cc


def rec(n):
    if n == 0:
        return 0
    return 1 + rec(n - 1)


def fail(k):
    if k == 0:
        raise ValueError("bottom")
    fail(k - 1)


def catcher():
    try:
        fail(2)
    except ValueError:
        return "caught"


def gen(n):
    i = 0
    while i < n:
        yield i
        i += 1


def consume():
    total = 0
    for v in gen(3):
        total += v
    return total


class Shape:
    def area(self):
        return rec(1)


def builtin_user():
    return sorted((3, 1, 2))


def py_callback():
    return cfast.work(2)


def c_part():
    cfast.work(3)
    cfast.callback(py_callback)


def writer():
    os.write(1, b"writer\n")


def in_thread():
    rec(3)


def main():
    rec(4)
    catcher()
    consume()
    Shape().area()
    builtin_user()
    c_part()
    writer()


main()
t = threading.Thread(target=in_thread, name="second")
t.start()
t.join()
sys.exit(0)
