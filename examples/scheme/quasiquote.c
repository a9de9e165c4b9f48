/*
 * quasiquote.c — `template: evaluated directly, not expanded into calls of
 * cons and append. The pieces of each list are collected on the VM stack,
 * which is rooted, and the list is built from them at the end; the template
 * and the environment are rooted locals, since evaluating an unquote may
 * collect.
 */
#include "scheme.h"

#include <stdlib.h>

static bool is_form(obj x, enum special_form sf)
{
    return is_pair(x) && is_symbol(car(x)) && fixnum_val(SYM(car(x))->special) == sf;
}

static obj unquoted_expression(obj form)
{
    if (!is_pair(cdr(form)) || cdr(cdr(form)) != NIL) {
        char *s = value_to_cstr(form);
        char text[256];
        snprintf(text, sizeof text, "%s", s ? s : "?");
        free(s);
        scm_error("bad syntax: %s", text);
    }
    return car(cdr(form));
}

static obj qq(obj tmpl, obj env, int depth);

/* (keyword inner) with inner processed at depth */
static obj rebuild(obj form, obj env, int depth)
{
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, keyword, car(form));
    obj inner = qq(unquoted_expression(form), env, depth);
    obj r = list2(GROVE_GET(H, keyword), inner);
    grove_scope_exit(H, s);
    return r;
}

static obj qq_list(obj tmpl, obj env, int depth)
{
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, t, tmpl); /* the cursor along the template */
    GROVE_LOCAL(H, obj, en, env);
    size_t base = sc.sp;
    /* stop at a tail that is itself (unquote x): `(a . ,x) */
    while (is_pair(GROVE_GET(H, t)) && !is_form(GROVE_GET(H, t), SF_UNQUOTE) &&
           !is_form(GROVE_GET(H, t), SF_QUASIQUOTE)) {
        obj item = car(GROVE_GET(H, t));
        if (is_form(item, SF_UNQUOTE_SPLICING) && depth == 1) {
            obj spliced = eval(unquoted_expression(item), GROVE_GET(H, en));
            if (list_length(spliced) < 0)
                type_error("unquote-splicing", "a proper list", spliced);
            for (; spliced != NIL; spliced = cdr(spliced)) /* push does not allocate */
                push(car(spliced));
        } else {
            push(qq(item, GROVE_GET(H, en), depth));
        }
        GROVE_SET(H, t, cdr(GROVE_GET(H, t)));
    }
    obj tail = GROVE_GET(H, t) == NIL ? NIL : qq(GROVE_GET(H, t), GROVE_GET(H, en), depth);
    obj r = stack_to_list(base, tail);
    grove_scope_exit(H, s);
    return r;
}

static obj qq(obj tmpl, obj env, int depth)
{
    if (is_vector(tmpl)) {
        grove_scope s = grove_scope_enter(H);
        GROVE_LOCAL(H, obj, en, env);
        size_t base = sc.sp;
        for (intptr_t i = 0; i < vector_length(tmpl); i++)
            push(VEC(tmpl)->items[i]);
        obj list = stack_to_list(base, NIL); /* allocates: only then read en */
        obj items = qq_list(list, GROVE_GET(H, en), depth);
        intptr_t n = list_length(items);
        push(items);
        obj v = make_vector(n, FALSE_OBJ);
        obj l = sc.stack[--sc.sp];
        for (intptr_t i = 0; i < n; i++, l = cdr(l))
            grove_write(H, v, &VEC(v)->items[i], car(l));
        grove_scope_exit(H, s);
        return v;
    }
    if (!is_pair(tmpl))
        return tmpl;
    if (is_form(tmpl, SF_UNQUOTE)) {
        if (depth == 1)
            return eval(unquoted_expression(tmpl), env);
        return rebuild(tmpl, env, depth - 1);
    }
    if (is_form(tmpl, SF_QUASIQUOTE))
        return rebuild(tmpl, env, depth + 1);
    if (is_form(tmpl, SF_UNQUOTE_SPLICING) && depth > 1)
        return rebuild(tmpl, env, depth - 1);
    return qq_list(tmpl, env, depth);
}

obj quasiquote(obj template_, obj env)
{
    return qq(template_, env, 1);
}
