/*
 * repl.c — the read-eval-print loop and its error recovery.
 *
 * Before evaluating each form the loop opens a grove_scope and calls
 * setjmp. A Scheme error anywhere below — however deep in eval, in the
 * middle of a primitive, halfway through reading a list — longjmps back
 * here. Exiting that scope then drops every root the abandoned C frames
 * created (both rooting backends support exiting an outer scope with inner
 * ones still open), the VM stack and the eval depth are reset to what they
 * were, and the loop goes on. Whatever those frames had allocated and
 * nothing else references is garbage for the next collection; everything
 * reachable from globals is intact.
 */
#include "scheme.h"

#include <stdlib.h>
#include <string.h>

/* Read and evaluate one datum; false at end of input. */
static bool eval_next(struct reader *r, bool print_results)
{
    obj form = read_datum(r);
    if (form == EOF_OBJ)
        return false;
    obj value = eval(form, NIL); /* eval roots form itself */
    if (print_results && value != UNSPEC) {
        print_value(sc.out, value, true);
        putc('\n', sc.out);
    }
    return true;
}

/* `r` points into the caller's frame, so nothing this function changes
 * between setjmp and longjmp lives in its own automatic variables except
 * the volatile counter. */
static int repl_loop(struct reader *r, bool print_results, bool prompt)
{
    volatile int errors = 0;
    jmp_buf here;
    jmp_buf *outer = sc.on_error;
    for (;;) {
        grove_scope scope = grove_scope_enter(H);
        volatile size_t sp0 = sc.sp; /* volatile: read after longjmp */
        volatile long depth0 = sc.depth;
        sc.on_error = &here;
        if (prompt) {
            fputs("> ", stdout);
            fflush(stdout);
        }
        if (setjmp(here) == 0) {
            bool more = eval_next(r, print_results);
            grove_scope_exit(H, scope);
            if (!more)
                break;
        } else {
            grove_scope_exit(H, scope); /* drops the roots of every unwound frame */
            sc.sp = sp0;
            sc.depth = depth0;
            errors++;
            fprintf(sc.out, "error: %s\n", sc.errmsg);
            if (prompt && strncmp(sc.errmsg, "read error", 10) == 0)
                reader_skip_line(r);
        }
    }
    if (prompt)
        putc('\n', stdout);
    sc.on_error = outer;
    return errors;
}

int repl_run(FILE *in, const char *name, bool print_results, bool prompt)
{
    struct reader r = {in, name, 1};
    return repl_loop(&r, print_results, prompt);
}

int repl_run_string(const char *text, const char *name)
{
    FILE *in = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
    if (!in) {
        fprintf(stderr, "scheme: cannot read %s\n", name);
        return 1;
    }
    int errors = repl_run(in, name, false, false);
    fclose(in);
    return errors;
}
