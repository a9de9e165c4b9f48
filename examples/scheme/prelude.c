/*
 * prelude.c — the part of the library written in Scheme itself, evaluated
 * at startup like any program. Loops are tail calls, so these run in
 * constant C stack whatever the list length.
 */
#include "scheme.h"

const char scheme_prelude[] =
    "(define (map f l . more)\n"
    "  (if (null? more)\n"
    "      (let loop ((l l) (acc '()))\n"
    "        (if (null? l) (reverse acc) (loop (cdr l) (cons (f (car l)) acc))))\n"
    "      (let loop ((a l) (b (car more)) (acc '()))\n"
    "        (if (or (null? a) (null? b)) (reverse acc)\n"
    "            (loop (cdr a) (cdr b) (cons (f (car a) (car b)) acc))))))\n"
    "(define (for-each f l . more)\n"
    "  (if (null? more)\n"
    "      (let loop ((l l)) (if (pair? l) (begin (f (car l)) (loop (cdr l)))))\n"
    "      (let loop ((a l) (b (car more)))\n"
    "        (if (and (pair? a) (pair? b)) (begin (f (car a) (car b)) (loop (cdr a) (cdr b)))))))\n"
    "(define (filter keep? l)\n"
    "  (let loop ((l l) (acc '()))\n"
    "    (cond ((null? l) (reverse acc))\n"
    "          ((keep? (car l)) (loop (cdr l) (cons (car l) acc)))\n"
    "          (else (loop (cdr l) acc)))))\n"
    "(define (fold-left f acc l)\n"
    "  (if (null? l) acc (fold-left f (f acc (car l)) (cdr l))))\n"
    "(define (fold-right f acc l)\n"
    "  (fold-left (lambda (a x) (f x a)) acc (reverse l)))\n"
    "(define (list-copy l) (map (lambda (x) x) l))\n"
    "(define (last-pair l) (if (pair? (cdr l)) (last-pair (cdr l)) l))\n"
    "(define (iota n . start)\n"
    "  (let ((s (if (null? start) 0 (car start))))\n"
    "    (let loop ((i (- n 1)) (acc '()))\n"
    "      (if (< i 0) acc (loop (- i 1) (cons (+ s i) acc))))))\n"
    "(define (vector-map f v)\n"
    "  (let ((r (make-vector (vector-length v))))\n"
    "    (do ((i 0 (+ i 1))) ((= i (vector-length v)) r)\n"
    "      (vector-set! r i (f (vector-ref v i))))))\n"
    "(define (vector-for-each f v)\n"
    "  (do ((i 0 (+ i 1))) ((= i (vector-length v)))\n"
    "    (f (vector-ref v i))))\n";
