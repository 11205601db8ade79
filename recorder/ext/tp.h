/* LTTng-UST 2.13 tracepoint provider "python": the events Strata reads as Python frames. */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER python

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "./tp.h"

#if !defined(STRATA_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define STRATA_TP_H

#include <lttng/tracepoint.h>

/* co_name carries the qualified name (co_qualname where the interpreter has it): the field the 2014
   python-profile-ust provider used, so older readers still name the frame. */
LTTNG_UST_TRACEPOINT_EVENT(python, call,
    LTTNG_UST_TP_ARGS(const char *, qualname, const char *, filename, int, firstlineno),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_string(co_name, qualname)
        lttng_ust_field_string(co_filename, filename)
        lttng_ust_field_integer(int32_t, co_firstlineno, firstlineno)))

LTTNG_UST_TRACEPOINT_EVENT(python, return,
    LTTNG_UST_TP_ARGS(),
    LTTNG_UST_TP_FIELDS())

LTTNG_UST_TRACEPOINT_EVENT(python, c_call,
    LTTNG_UST_TP_ARGS(const char *, name, const char *, module),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_string(co_name, name)
        lttng_ust_field_string(module, module)))

LTTNG_UST_TRACEPOINT_EVENT(python, c_return,
    LTTNG_UST_TP_ARGS(),
    LTTNG_UST_TP_FIELDS())

#endif /* STRATA_TP_H */

#include <lttng/tracepoint-event.h>
