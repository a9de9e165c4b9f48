; The symbol table holds symbols weakly: a symbol nothing references is
; collected, and the table prunes its entry, so a program that keeps making
; fresh symbols runs in a flat heap. A symbol still referenced keeps its
; identity (interning its name again gives the same object), and so does a
; symbol with a global value, referenced or not.

(define n (if (eq? *size* 'small) 10000 200000))
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (name i) (string-append "fresh-symbol-" (number->string i)))

; Symbols kept in a vector, and one only in a weak box.
(define kept (make-vector 100 #f))
(do ((i 0 (+ i 1))) ((= i 100))
  (vector-set! kept i (string->symbol (string-append "kept-" (number->string i)))))
(define unreferenced (make-weak-box (string->symbol "referenced-by-nothing")))
; A global nothing else mentions: the table keeps its symbol for its value.
(define lonely-global 'the-value)
(define global-box (make-weak-box 'lonely-global))

(collect)
(define live-before (gc-stat 'live-bytes))

; Fresh symbols, each dropped at once; the same name interned twice within
; an iteration is the same symbol.
(define (churn n)
  (let loop ((i 0) (same #t))
    (if (= i n)
        same
        (let ((s (string->symbol (name i))))
          (if (= (modulo i 1000) 999) (collect 'minor))
          (loop (+ i 1) (and same (eq? s (string->symbol (name i)))))))))
(show 'same-within-iteration (churn n))
(collect)
(collect)
; At most about 1000 fresh symbols live between two collections: with the
; few hundred of the primitives and this program, that is never more than
; 2048 buckets, so at most 4096 entries before a prune. A strong table
; would hold an entry, a symbol and a name for each of the n symbols.
(show 'entries-bounded (< (symbol-table-entries) 6000) (> (symbol-table-entries) 100))
(show 'heap-flat (< (- (gc-stat 'live-bytes) live-before) 500000))

(show 'kept-identity
      (let loop ((i 0) (ok #t))
        (if (= i 100)
            ok
            (loop (+ i 1)
                  (and ok (eq? (vector-ref kept i)
                               (string->symbol (string-append "kept-" (number->string i)))))))))
(show 'quoted-identity (eq? 'abc (string->symbol "abc")) (eq? (vector-ref kept 5) 'kept-5))
(show 'collected (weak-box-value unreferenced 'gone) (symbol? (string->symbol "referenced-by-nothing")))
(show 'global (weak-box-value global-box) lonely-global)
; Special forms and primitives are still themselves.
(show 'forms (let ((x 1)) (if (> x 0) (quasiquote (x (unquote x))) 'no)) (car '(a b)))
