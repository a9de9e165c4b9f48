/*
 * repl.c — the read-eval-print loop and its error recovery.
 *
 * Each form is read and evaluated under a catch frame (control.c), which
 * opens a grove_scope and calls setjmp. A Scheme error anywhere below —
 * however deep in eval, in the middle of a primitive, halfway through
 * reading a list — that no Scheme handler takes longjmps back to it.
 * Exiting that scope then drops every root the abandoned C frames created
 * (both rooting backends support exiting an outer scope with inner ones
 * still open), the VM stack and the eval depth are reset to what they
 * were, and the loop goes on. Whatever those frames had allocated and
 * nothing else references is garbage for the next collection; everything
 * reachable from globals is intact.
 */
#include "scheme.h"

#include <stdlib.h>
#include <string.h>

struct repl_step {
    struct reader *reader;
    bool print_results;
};

/* Read and evaluate one datum; EOF_OBJ at end of input. */
static obj eval_next(void *data)
{
    struct repl_step *step = data;
    obj form = read_datum(step->reader);
    if (form == EOF_OBJ)
        return EOF_OBJ;
    obj value = eval(form, NIL); /* eval roots form itself */
    if (step->print_results && value != UNSPEC) {
        print_value(sc.out, value, true);
        putc('\n', sc.out);
    }
    return UNSPEC;
}

/* Each form runs under a catch frame of its own (control.c): an error
 * anywhere below lands there with the roots, VM stack and depth of the
 * abandoned frames already dropped. */
static int repl_loop(struct reader *r, bool print_results, bool prompt)
{
    int errors = 0;
    struct repl_step step = {r, print_results};
    for (;;) {
        if (prompt) {
            fputs("> ", stdout);
            fflush(stdout);
        }
        struct catch_frame frame;
        obj status;
        if (catch_run(&frame, CATCH_TOP, eval_next, &step, &status)) {
            if (status == EOF_OBJ)
                break;
        } else {
            errors++;
            fprintf(sc.out, "error: %s\n", sc.errmsg);
            if (prompt && strncmp(sc.errmsg, "read error", 10) == 0)
                reader_skip_line(r);
        }
    }
    if (prompt)
        putc('\n', stdout);
    return errors;
}

int repl_run(FILE *in, const char *name, bool print_results, bool prompt)
{
    struct reader r = {in, NULL, name, 1};
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
