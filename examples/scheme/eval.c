/*
 * eval.c — the evaluator: a direct interpreter of s-expressions with proper
 * tail calls.
 *
 * eval() keeps the expression and the environment it is working on in two
 * rooted locals, x and e, plus a rooted cursor t. A tail position (the
 * branches of if, the last expression of a body, the body of a called
 * closure) does not recurse: it replaces x (and e) and goes round the loop,
 * so a loop written as tail recursion runs in constant C stack, constant VM
 * stack and constant roots. Only subexpressions in non-tail position
 * (operands, tests, initializers) recurse into eval().
 *
 * Operands of a call are evaluated onto the VM stack, which the collector
 * traces through a root visitor; a primitive gets them there as argv, and a
 * closure call copies them into a fresh frame. C code calls a procedure the
 * same way (apply_at): it pushes the procedure and its arguments and enters
 * eval's loop at the application step.
 *
 * After any call that may collect (eval, cons, make_frame, ...), raw
 * pointers read before it are stale: this file re-reads GROVE_GET(H, x)
 * and friends after each one, which is the whole discipline.
 */
#include "scheme.h"

#include <stdlib.h>
#include <string.h>

static void syntax_error(obj form) SCM_NORETURN;
static void syntax_error(obj form)
{
    char *s = value_to_cstr(form);
    char text[256];
    snprintf(text, sizeof text, "%s", s ? s : "?");
    free(s);
    scm_error("bad syntax: %s", text);
}

static void unbound(obj sym) SCM_NORETURN;
static void unbound(obj sym)
{
    scm_error("unbound variable: %s", STR(SYM(sym)->name)->chars);
}

static void unassigned(obj sym) SCM_NORETURN;
static void unassigned(obj sym)
{
    scm_error("variable used before its definition: %s", STR(SYM(sym)->name)->chars);
}

/* ---- environments --------------------------------------------------------- */

/* The slot holding `sym` in `env`, and the object containing it (needed for
 * the write barrier); NULL if unbound. Allocates nothing. */
static obj *locate(obj sym, obj env, obj *container)
{
    for (obj e = env; e != NIL; e = FRM(e)->parent) {
        struct frame *f = FRM(e);
        intptr_t n = fixnum_val(f->count);
        obj vars = f->vars;
        for (intptr_t i = 0; i < n; i++) {
            if (!is_pair(vars)) { /* rest parameter: (a b . rest) */
                if (vars == sym) {
                    *container = e;
                    return &f->vals[i];
                }
                break;
            }
            obj v = car(vars); /* a parameter, or a (name init ...) binding */
            if (v == sym || (is_pair(v) && car(v) == sym)) {
                *container = e;
                return &f->vals[i];
            }
            vars = cdr(vars);
        }
        for (obj x = f->extras; x != NIL; x = cdr(x))
            if (car(car(x)) == sym) {
                *container = car(x);
                return &PAIR(car(x))->cdr;
            }
    }
    if (SYM(sym)->value == UNBOUND)
        return NULL;
    *container = sym;
    return &SYM(sym)->value;
}

static inline obj lookup(obj sym, obj env)
{
    obj container;
    obj *slot = locate(sym, env, &container);
    if (GROVE_UNLIKELY(slot == NULL))
        unbound(sym);
    if (GROVE_UNLIKELY(*slot == UNASSIGNED))
        unassigned(sym);
    return *slot;
}

/* Bind sym to value in the innermost frame of env (or globally). May
 * collect; sym, value and env are raw, so they are rooted or consumed before
 * each allocation. */
static void define_variable(obj sym, obj value, obj env)
{
    if (env == NIL) {
        symbol_define(sym, value);
        return;
    }
    struct frame *f = FRM(env);
    intptr_t n = fixnum_val(f->count);
    obj vars = f->vars;
    for (intptr_t i = 0; i < n && is_pair(vars); i++, vars = cdr(vars)) {
        obj v = car(vars);
        if (v == sym || (is_pair(v) && car(v) == sym)) {
            grove_write(H, f, &f->vals[i], value);
            return;
        }
    }
    for (obj x = f->extras; x != NIL; x = cdr(x))
        if (car(car(x)) == sym) {
            grove_write(H, car(x), &PAIR(car(x))->cdr, value);
            return;
        }
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, re, env);
    obj binding = cons(sym, value); /* cons roots its own arguments */
    obj cell = cons(binding, FRM(GROVE_GET(H, re))->extras);
    struct frame *fr = GROVE_GET(H, re);
    GROVE_STORE(H, fr, extras, cell); /* the frame may be old by now */
    grove_scope_exit(H, s);
}

/* Fill a frame just returned by make_frame (no allocation since). */
static void frame_fill(obj frame, obj parent, obj vars, const obj *vals, intptr_t n)
{
    struct frame *f = frame;
    f->parent = parent;
    f->vars = vars;
    if (n > 0)
        memcpy(f->vals, vals, (size_t)n * sizeof(obj));
    /* A frame with hundreds of values is born in the large-object space,
     * i.e. old: then the stores above need their barrier. */
    if ((size_t)(n + FRAME_HEADER_WORDS) * sizeof(obj) > GROVE_MAX_SMALL_PAYLOAD) {
        grove_barrier(H, f, parent);
        grove_barrier(H, f, vars);
        for (intptr_t i = 0; i < n; i++)
            grove_barrier(H, f, vals[i]);
    }
}

/* Arity of a lambda list as a fixnum: required * 2 + rest. */
static obj lambda_arity(obj params, obj form)
{
    intptr_t n = 0;
    while (is_pair(params)) {
        obj p = car(params);
        if (!is_symbol(p) && !(is_pair(p) && is_symbol(car(p))))
            syntax_error(form);
        n++;
        params = cdr(params);
    }
    if (params == NIL)
        return mk_fixnum(n * 2);
    if (!is_symbol(params))
        syntax_error(form);
    return mk_fixnum(n * 2 + 1);
}

/* Allocate a closure; the caller fills it from rooted values afterwards. */
static struct closure *closure_new(void)
{
    struct closure *c = scm_alloc(T_CLOSURE, sizeof *c);
    c->name = FALSE_OBJ;
    return c;
}

static void arity_error(obj f, int argc) SCM_NORETURN;
static void arity_error(obj f, int argc)
{
    const char *name = "anonymous procedure";
    char req[64];
    if (is_prim(f)) {
        struct primitive *p = &prim_table[prim_index(f)];
        name = p->name;
        if (p->max_args < 0)
            snprintf(req, sizeof req, "at least %d", p->min_args);
        else if (p->max_args == p->min_args)
            snprintf(req, sizeof req, "%d", p->min_args);
        else
            snprintf(req, sizeof req, "%d to %d", p->min_args, p->max_args);
    } else {
        if (is_symbol(CLO(f)->name))
            name = STR(SYM(CLO(f)->name)->name)->chars;
        intptr_t ar = fixnum_val(CLO(f)->arity);
        snprintf(req, sizeof req, "%s%jd", (ar & 1) ? "at least " : "", (intmax_t)(ar >> 1));
    }
    scm_error("arity: %s expects %s argument%s, got %d", name, req,
              strcmp(req, "1") == 0 ? "" : "s", argc);
}

/* A call of a primitive whose operands are all variables or constants,
 * like (+ n 1) or (car l), is the commonest operand of all: evaluate it
 * without entering a new eval. Nothing allocates until the primitive runs,
 * and by then its arguments are on the VM stack, so raw values are safe
 * here. Returns NULL (never a Scheme value) if `a` is not such a call. */
static obj eval_simple_call(obj a, obj env)
{
    obj head = car(a);
    /* the operator: a variable, or a primitive itself (in the code
     * define-record-type generates) */
    if (!is_prim(head) && (!is_symbol(head) || SYM(head)->special != mk_fixnum(SF_NONE)))
        return NULL;
    obj args = cdr(a);
    for (obj p = args; p != NIL; p = cdr(p))
        if (!is_pair(p) || is_pair(car(p)))
            return NULL;
    obj f = is_prim(head) ? head : lookup(head, env);
    if (!is_prim(f) || f == prim_apply_obj)
        return NULL;
    struct primitive *prim = &prim_table[prim_index(f)];
    size_t base = sc.sp;
    int argc = 0;
    for (obj p = args; p != NIL; p = cdr(p), argc++) {
        obj v = car(p);
        push(is_symbol(v) ? lookup(v, env) : v);
    }
    if (argc < prim->min_args || (prim->max_args >= 0 && argc > prim->max_args))
        arity_error(f, argc);
    obj result = prim->fn(argc, &sc.stack[base]);
    sc.sp = base;
    return result;
}

static obj eval_in(obj expr, obj env, size_t call_base);
#define NO_CALL SIZE_MAX

/* Evaluate an operand: variables, constants and simple primitive calls
 * inline, the rest by a (non-tail) recursive eval. */
static inline obj eval_operand(obj a, obj env)
{
    if (is_symbol(a))
        return lookup(a, env);
    if (!is_pair(a))
        return a;
    obj v = eval_simple_call(a, env);
    if (v != NULL)
        return v;
    return eval_in(a, env, NO_CALL);
}

/* ---- eval ----------------------------------------------------------------- */

/* Evaluate expr in env; or, when call_base is not NO_CALL, apply the
 * procedure at sc.stack[call_base] to the values above it (apply_at), which
 * enters the loop at the application step below. */
static obj eval_in(obj expr, obj env, size_t call_base)
{
    if (GROVE_UNLIKELY(!depth_ok()))
        scm_resource_error("recursion too deep (%ld nested evaluations)", sc.depth);

    grove_scope scope = grove_scope_enter(H);
    GROVE_LOCAL_GROUP(H, locals, 3);         /* x, e and t: one push on the indexed backend */
    GROVE_LOCAL_IN(H, locals, 0, obj, x, expr); /* the expression being evaluated */
    GROVE_LOCAL_IN(H, locals, 1, obj, e, env);  /* its environment */
    GROVE_LOCAL_IN(H, locals, 2, obj, t, NIL);  /* a cursor: operands, bindings, body */
    obj result;
    size_t base;
    if (call_base != NO_CALL) {
        base = call_base;
        goto apply; /* into the loop: apply uses only base and the locals above */
    }

    for (;;) {
        obj xv = GROVE_GET(H, x);
        if (is_symbol(xv)) {
            result = lookup(xv, GROVE_GET(H, e));
            goto done;
        }
        if (!is_pair(xv)) {
            result = xv; /* self-evaluating */
            goto done;
        }
        obj head = car(xv);
        if (is_symbol(head)) {
            switch ((enum special_form)fixnum_val(SYM(head)->special)) {
            case SF_NONE:
            case SF_ELSE:
            case SF_ARROW:
            case SF_UNQUOTE:
            case SF_UNQUOTE_SPLICING:
                break;

            case SF_QUASIQUOTE:
                if (!is_pair(cdr(xv)) || cdr(cdr(xv)) != NIL)
                    syntax_error(xv);
                result = quasiquote(car(cdr(xv)), GROVE_GET(H, e));
                goto done;

            case SF_DEFINE_RECORD_TYPE:
                /* evaluate the definitions it stands for, in place */
                GROVE_SET(H, x, record_type_expand(xv));
                continue;

            case SF_QUOTE:
                if (!is_pair(cdr(xv)) || cdr(cdr(xv)) != NIL)
                    syntax_error(xv);
                result = car(cdr(xv));
                goto done;

            case SF_IF: {
                obj r = cdr(xv);
                if (!is_pair(r) || !is_pair(cdr(r)))
                    syntax_error(xv);
                obj test = eval_operand(car(r), GROVE_GET(H, e));
                r = cdr(cdr(GROVE_GET(H, x))); /* (consequent [alternative]) */
                if (test != FALSE_OBJ) {
                    GROVE_SET(H, x, car(r));
                } else if (is_pair(cdr(r))) {
                    GROVE_SET(H, x, car(cdr(r)));
                } else {
                    result = UNSPEC;
                    goto done;
                }
                continue; /* tail position */
            }

            case SF_DEFINE: {
                obj r = cdr(xv);
                if (!is_pair(r))
                    syntax_error(xv);
                obj target = car(r);
                if (is_pair(target)) { /* (define (name . params) body...) */
                    if (!is_symbol(car(target)))
                        syntax_error(xv);
                    obj arity = lambda_arity(cdr(target), xv);
                    struct closure *c = closure_new(); /* may collect */
                    xv = GROVE_GET(H, x);
                    target = car(cdr(xv));
                    c->params = cdr(target); /* fresh, small: no barrier */
                    c->body = cdr(cdr(xv));
                    c->env = GROVE_GET(H, e);
                    c->name = car(target);
                    c->arity = arity;
                    define_variable(car(target), c, GROVE_GET(H, e));
                } else {
                    if (!is_symbol(target))
                        syntax_error(xv);
                    obj value = UNSPEC;
                    if (is_pair(cdr(r))) {
                        if (cdr(cdr(r)) != NIL)
                            syntax_error(xv);
                        value = eval_operand(car(cdr(r)), GROVE_GET(H, e));
                    }
                    obj name = car(cdr(GROVE_GET(H, x)));
                    if (is_closure(value) && CLO(value)->name == FALSE_OBJ)
                        GROVE_STORE(H, CLO(value), name, name);
                    define_variable(name, value, GROVE_GET(H, e));
                }
                result = UNSPEC;
                goto done;
            }

            case SF_SET: {
                obj r = cdr(xv);
                if (!is_pair(r) || !is_symbol(car(r)) || !is_pair(cdr(r)) || cdr(cdr(r)) != NIL)
                    syntax_error(xv);
                obj value = eval_operand(car(cdr(r)), GROVE_GET(H, e));
                obj sym = car(cdr(GROVE_GET(H, x)));
                obj container;
                obj *slot = locate(sym, GROVE_GET(H, e), &container);
                if (!slot)
                    unbound(sym);
                grove_write(H, container, slot, value); /* frames and symbols may be old */
                result = UNSPEC;
                goto done;
            }

            case SF_LAMBDA: {
                obj r = cdr(xv);
                if (!is_pair(r))
                    syntax_error(xv);
                obj arity = lambda_arity(car(r), xv);
                struct closure *c = closure_new();
                xv = GROVE_GET(H, x);
                c->params = car(cdr(xv));
                c->body = cdr(cdr(xv));
                c->env = GROVE_GET(H, e);
                c->arity = arity;
                result = c;
                goto done;
            }

            case SF_BEGIN:
                GROVE_SET(H, t, cdr(xv));
                goto sequence;

            case SF_LET: {
                obj r = cdr(xv);
                if (!is_pair(r))
                    syntax_error(xv);
                if (is_symbol(car(r)))
                    goto named_let;
                base = sc.sp;
                GROVE_SET(H, t, car(r));
                while (is_pair(GROVE_GET(H, t))) {
                    obj b = car(GROVE_GET(H, t));
                    if (!is_pair(b) || !is_symbol(car(b)) || !is_pair(cdr(b)))
                        syntax_error(GROVE_GET(H, x));
                    push(eval_operand(car(cdr(b)), GROVE_GET(H, e)));
                    GROVE_SET(H, t, cdr(GROVE_GET(H, t)));
                }
                if (GROVE_GET(H, t) != NIL)
                    syntax_error(GROVE_GET(H, x));
                intptr_t n = (intptr_t)(sc.sp - base);
                obj fr = make_frame(n);
                frame_fill(fr, GROVE_GET(H, e), car(cdr(GROVE_GET(H, x))), &sc.stack[base], n);
                sc.sp = base;
                GROVE_SET(H, e, fr);
                GROVE_SET(H, t, cdr(cdr(GROVE_GET(H, x))));
                goto sequence;
            }

            named_let: {
                /* (let name ((var init) ...) body...): frame1 binds name to a
                 * closure whose parameters are the binding list itself. */
                obj r = cdr(cdr(xv));
                if (!is_pair(r))
                    syntax_error(xv);
                obj arity = lambda_arity(car(r), xv);
                base = sc.sp;
                push(UNSPEC); /* the closure goes here */
                GROVE_SET(H, t, car(r));
                while (is_pair(GROVE_GET(H, t))) {
                    obj b = car(GROVE_GET(H, t));
                    if (!is_pair(b) || !is_pair(cdr(b)))
                        syntax_error(GROVE_GET(H, x));
                    push(eval_operand(car(cdr(b)), GROVE_GET(H, e)));
                    GROVE_SET(H, t, cdr(GROVE_GET(H, t)));
                }
                obj fr1 = make_frame(1);
                frame_fill(fr1, GROVE_GET(H, e), cdr(GROVE_GET(H, x)), &sc.stack[base], 0);
                GROVE_SET(H, e, fr1);
                struct closure *c = closure_new();
                xv = GROVE_GET(H, x);
                c->params = car(cdr(cdr(xv)));
                c->body = cdr(cdr(cdr(xv)));
                c->env = GROVE_GET(H, e);
                c->name = car(cdr(xv));
                c->arity = arity;
                fr1 = GROVE_GET(H, e);
                grove_write(H, fr1, &FRM(fr1)->vals[0], c); /* fr1 may be old now */
                sc.stack[base] = c;
                goto apply;
            }

            case SF_LETSTAR: {
                obj r = cdr(xv);
                if (!is_pair(r))
                    syntax_error(xv);
                GROVE_SET(H, t, car(r));
                while (is_pair(GROVE_GET(H, t))) {
                    obj b = car(GROVE_GET(H, t));
                    if (!is_pair(b) || !is_symbol(car(b)) || !is_pair(cdr(b)))
                        syntax_error(GROVE_GET(H, x));
                    push(eval_operand(car(cdr(b)), GROVE_GET(H, e)));
                    obj fr = make_frame(1);
                    /* vars is the rest of the binding list; count 1 limits
                     * the frame to its first binding. */
                    frame_fill(fr, GROVE_GET(H, e), GROVE_GET(H, t), &sc.stack[sc.sp - 1], 1);
                    sc.sp--;
                    GROVE_SET(H, e, fr);
                    GROVE_SET(H, t, cdr(GROVE_GET(H, t)));
                }
                GROVE_SET(H, t, cdr(cdr(GROVE_GET(H, x))));
                goto sequence;
            }

            case SF_LETREC: {
                obj r = cdr(xv);
                if (!is_pair(r))
                    syntax_error(xv);
                intptr_t n = list_length(car(r));
                if (n < 0)
                    syntax_error(xv);
                obj fr = make_frame(n); /* every value UNASSIGNED */
                frame_fill(fr, GROVE_GET(H, e), car(cdr(GROVE_GET(H, x))), NULL, 0);
                GROVE_SET(H, e, fr);
                GROVE_SET(H, t, car(cdr(GROVE_GET(H, x))));
                for (intptr_t i = 0; i < n; i++) {
                    obj b = car(GROVE_GET(H, t));
                    if (!is_pair(b) || !is_symbol(car(b)) || !is_pair(cdr(b)))
                        syntax_error(GROVE_GET(H, x));
                    obj value = eval_operand(car(cdr(b)), GROVE_GET(H, e));
                    b = car(GROVE_GET(H, t));
                    if (is_closure(value) && CLO(value)->name == FALSE_OBJ)
                        GROVE_STORE(H, CLO(value), name, car(b));
                    fr = GROVE_GET(H, e);
                    grove_write(H, fr, &FRM(fr)->vals[i], value);
                    GROVE_SET(H, t, cdr(GROVE_GET(H, t)));
                }
                GROVE_SET(H, t, cdr(cdr(GROVE_GET(H, x))));
                goto sequence;
            }

            case SF_COND:
                GROVE_SET(H, t, cdr(xv));
                while (is_pair(GROVE_GET(H, t))) {
                    obj clause = car(GROVE_GET(H, t));
                    if (!is_pair(clause))
                        syntax_error(GROVE_GET(H, x));
                    obj test = car(clause);
                    if (is_symbol(test) && fixnum_val(SYM(test)->special) == SF_ELSE) {
                        GROVE_SET(H, t, cdr(clause));
                        goto sequence;
                    }
                    obj v = eval_operand(test, GROVE_GET(H, e));
                    if (v != FALSE_OBJ) {
                        clause = car(GROVE_GET(H, t));
                        obj body = cdr(clause);
                        if (body == NIL) {
                            result = v;
                            goto done;
                        }
                        if (is_pair(body) && is_symbol(car(body)) &&
                            fixnum_val(SYM(car(body))->special) == SF_ARROW) {
                            /* (test => receiver): call receiver with v */
                            if (!is_pair(cdr(body)))
                                syntax_error(GROVE_GET(H, x));
                            base = sc.sp;
                            push(UNSPEC);
                            push(v);
                            obj f = eval_operand(car(cdr(cdr(car(GROVE_GET(H, t))))),
                                                 GROVE_GET(H, e));
                            sc.stack[base] = f;
                            goto apply;
                        }
                        GROVE_SET(H, t, body);
                        goto sequence;
                    }
                    GROVE_SET(H, t, cdr(GROVE_GET(H, t)));
                }
                result = UNSPEC;
                goto done;

            case SF_CASE: {
                obj r = cdr(xv);
                if (!is_pair(r))
                    syntax_error(xv);
                /* The key is raw: nothing below allocates until goto sequence. */
                obj key = eval_operand(car(r), GROVE_GET(H, e));
                for (obj cl = cdr(cdr(GROVE_GET(H, x))); is_pair(cl); cl = cdr(cl)) {
                    obj clause = car(cl);
                    if (!is_pair(clause))
                        syntax_error(GROVE_GET(H, x));
                    obj data = car(clause);
                    if (is_symbol(data) && fixnum_val(SYM(data)->special) == SF_ELSE) {
                        GROVE_SET(H, t, cdr(clause));
                        goto sequence;
                    }
                    for (; is_pair(data); data = cdr(data))
                        if (scm_eqv(car(data), key)) {
                            GROVE_SET(H, t, cdr(clause));
                            goto sequence;
                        }
                }
                result = UNSPEC;
                goto done;
            }

            case SF_AND:
            case SF_OR: {
                bool is_and = fixnum_val(SYM(head)->special) == SF_AND;
                GROVE_SET(H, t, cdr(xv));
                if (GROVE_GET(H, t) == NIL) {
                    result = mk_bool(is_and);
                    goto done;
                }
                while (is_pair(cdr(GROVE_GET(H, t)))) {
                    obj v = eval_operand(car(GROVE_GET(H, t)), GROVE_GET(H, e));
                    if (is_and ? v == FALSE_OBJ : v != FALSE_OBJ) {
                        result = v;
                        goto done;
                    }
                    GROVE_SET(H, t, cdr(GROVE_GET(H, t)));
                }
                GROVE_SET(H, x, car(GROVE_GET(H, t))); /* last one in tail position */
                continue;
            }

            case SF_WHEN:
            case SF_UNLESS: {
                obj r = cdr(xv);
                if (!is_pair(r))
                    syntax_error(xv);
                bool when = fixnum_val(SYM(head)->special) == SF_WHEN;
                obj v = eval_operand(car(r), GROVE_GET(H, e));
                if ((v != FALSE_OBJ) == when) {
                    GROVE_SET(H, t, cdr(cdr(GROVE_GET(H, x))));
                    goto sequence;
                }
                result = UNSPEC;
                goto done;
            }

            case SF_DO: {
                /* (do ((var init step)...) (test result...) command...) */
                obj r = cdr(xv);
                if (!is_pair(r) || !is_pair(cdr(r)) || !is_pair(car(cdr(r))))
                    syntax_error(xv);
                base = sc.sp;
                GROVE_SET(H, t, car(r));
                while (is_pair(GROVE_GET(H, t))) {
                    obj spec = car(GROVE_GET(H, t));
                    if (!is_pair(spec) || !is_symbol(car(spec)) || !is_pair(cdr(spec)))
                        syntax_error(GROVE_GET(H, x));
                    push(eval_operand(car(cdr(spec)), GROVE_GET(H, e)));
                    GROVE_SET(H, t, cdr(GROVE_GET(H, t)));
                }
                intptr_t n = (intptr_t)(sc.sp - base);
                obj fr = make_frame(n);
                frame_fill(fr, GROVE_GET(H, e), car(cdr(GROVE_GET(H, x))), &sc.stack[base], n);
                sc.sp = base;
                GROVE_SET(H, e, fr);
                for (;;) {
                    obj test_clause = car(cdr(cdr(GROVE_GET(H, x))));
                    obj v = eval_operand(car(test_clause), GROVE_GET(H, e));
                    if (v != FALSE_OBJ) {
                        GROVE_SET(H, t, cdr(car(cdr(cdr(GROVE_GET(H, x))))));
                        goto sequence;
                    }
                    GROVE_SET(H, t, cdr(cdr(cdr(GROVE_GET(H, x)))));
                    while (is_pair(GROVE_GET(H, t))) {
                        eval_operand(car(GROVE_GET(H, t)), GROVE_GET(H, e));
                        GROVE_SET(H, t, cdr(GROVE_GET(H, t)));
                    }
                    /* Steps are evaluated in the old frame; a fresh frame per
                     * iteration keeps closures that captured a variable
                     * seeing their own iteration's value. */
                    GROVE_SET(H, t, car(cdr(GROVE_GET(H, x))));
                    for (intptr_t i = 0; i < n; i++) {
                        obj spec = car(GROVE_GET(H, t));
                        if (is_pair(cdr(cdr(spec))))
                            push(eval_operand(car(cdr(cdr(spec))), GROVE_GET(H, e)));
                        else
                            push(FRM(GROVE_GET(H, e))->vals[i]);
                        GROVE_SET(H, t, cdr(GROVE_GET(H, t)));
                    }
                    fr = make_frame(n);
                    obj old = GROVE_GET(H, e);
                    frame_fill(fr, FRM(old)->parent, FRM(old)->vars, &sc.stack[base], n);
                    sc.sp = base;
                    GROVE_SET(H, e, fr);
                }
            }
            }
        }

        /* ---- application: (operator operand...) ---- */
        base = sc.sp;
        push(eval_operand(head, GROVE_GET(H, e)));
        /* The raw cursor `args` is re-read from t after each operand, whose
         * evaluation may collect; in between it is used only raw. */
        obj args = cdr(GROVE_GET(H, x));
        while (is_pair(args)) {
            GROVE_SET(H, t, args);
            push(eval_operand(car(args), GROVE_GET(H, e)));
            args = cdr(GROVE_GET(H, t));
        }
        if (args != NIL)
            syntax_error(GROVE_GET(H, x));

    apply: {
        /* sc.stack[base] is the operator, the operands follow it. */
        obj f = sc.stack[base];
        int argc = (int)(sc.sp - base - 1);
        if (is_prim(f)) {
            if (f == prim_apply_obj) {
                /* (apply f arg... list): spread the list, drop `apply`,
                 * and dispatch again, still in tail position. */
                if (argc < 2)
                    arity_error(f, argc);
                obj list = sc.stack[--sc.sp];
                if (list_length(list) < 0)
                    type_error("apply", "a proper list", list);
                for (; list != NIL; list = cdr(list)) /* no allocation: list stays valid */
                    push(car(list));
                memmove(&sc.stack[base], &sc.stack[base + 1], (sc.sp - base - 1) * sizeof(obj));
                sc.sp--;
                goto apply;
            }
            struct primitive *p = &prim_table[prim_index(f)];
            if (argc < p->min_args || (p->max_args >= 0 && argc > p->max_args))
                arity_error(f, argc);
            result = p->fn(argc, &sc.stack[base + 1]);
            sc.sp = base;
            goto done;
        }
        if (is_continuation(f))
            continuation_throw(f, argc, &sc.stack[base + 1]);
        if (is_guardian(f)) {
            result = guardian_apply(f, argc, &sc.stack[base + 1]);
            sc.sp = base;
            goto done;
        }
        if (!is_closure(f)) {
            char *s = value_to_cstr(f);
            char text[256];
            snprintf(text, sizeof text, "%s", s ? s : "?");
            free(s);
            scm_error("not a procedure: %s", text);
        }
        intptr_t ar = fixnum_val(CLO(f)->arity);
        intptr_t nreq = ar >> 1;
        if (argc < nreq || (!(ar & 1) && argc > nreq))
            arity_error(f, argc);
        if (ar & 1) { /* collect the rest arguments into a list */
            obj rest = NIL;
            while (sc.sp > base + 1 + (size_t)nreq) {
                rest = cons(sc.stack[sc.sp - 1], rest); /* the stack stays rooted */
                sc.sp--;
            }
            push(rest);
        }
        intptr_t n = nreq + (ar & 1);
        obj fr = make_frame(n);
        f = sc.stack[base]; /* re-read after the allocation */
        frame_fill(fr, CLO(f)->env, CLO(f)->params, &sc.stack[base + 1], n);
        sc.sp = base;
        GROVE_SET(H, e, fr);
        GROVE_SET(H, t, CLO(f)->body);
        goto sequence;
    }

    sequence: {
        /* Evaluate the body in t; the last expression in tail position. */
        obj b = GROVE_GET(H, t);
        if (b == NIL) {
            result = UNSPEC;
            goto done;
        }
        if (!is_pair(b))
            syntax_error(GROVE_GET(H, x));
        while (is_pair(cdr(b))) {
            eval_operand(car(b), GROVE_GET(H, e));
            b = cdr(GROVE_GET(H, t));
            GROVE_SET(H, t, b);
        }
        if (cdr(b) != NIL)
            syntax_error(GROVE_GET(H, x));
        GROVE_SET(H, x, car(b));
        continue;
    }
    }

done:
    grove_scope_exit(H, scope);
    sc.depth--;
    return result;
}

obj eval(obj expr, obj env)
{
    return eval_in(expr, env, NO_CALL);
}

obj apply_at(size_t base)
{
    return eval_in(NIL, NIL, base);
}

obj call0(obj f)
{
    size_t base = sc.sp;
    push(f);
    return apply_at(base);
}

obj call1(obj f, obj a)
{
    size_t base = sc.sp;
    push(f);
    push(a);
    return apply_at(base);
}

obj call2(obj f, obj a, obj b)
{
    size_t base = sc.sp;
    push(f);
    push(a);
    push(b);
    return apply_at(base);
}
