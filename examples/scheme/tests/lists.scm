; Lists: every c[ad]{2,4}r accessor, the member and assoc families (eq?,
; eqv?, equal?, or a predicate of the program's: then each test is a call
; from C back into Scheme, which may collect while the list is walked), and
; association lists built, updated and searched under allocation.

(define small? (eq? *size* 'small))
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))

(define t '((1 . 2) (3 . 4) (5 6 7) ((8 9) 10) 11 (12 (13 14) 15 16)))
(show (caar t) (cdar t) (cadr t) (cddr t))
(show (caaar '(((a)))) (caadr t) (cadar '((1 2))) (caddr t) (cdaar '(((a . b)))) (cdadr t) (cddar '((1 2 3))) (cdddr t))
(show (cadddr t) (cddddr t) (cadadr '(0 (1 2))) (caaddr '(0 1 (2))) (cdaddr '(0 1 (2 3))))
(show (caaaar '((((x))))) (cdaaar '((((x . y))))) (caddar '((1 2 3))) (cdddar '((1 2 3 4))) (cddadr '(0 (1 2 3))))
(show (cdadar '((0 (1 2)))) (cadaar '(((0 1)))) (cddaar '(((0 1 2)))) (cdaadr '(0 ((1 2)))))
(define (try thunk)
  (call/cc (lambda (k) (with-exception-handler (lambda (e) (k (error-object-message e))) thunk))))
(show (try (lambda () (caddr '(1 2)))) (try (lambda () (cdadr '(1 2)))))

(define l (list 'a 2 2.5 "str" '(x) #\c))
(show (memq 'a l) (memq 2.5 '(1 2)) (memv 2.5 l) (member "str" l) (member '(x) l) (memq '(x) l))
(show (member 2.0 '(1 2 3) =) (member 5 '(1 4 9 16) (lambda (x y) (< x y))) (member 1 '()))
(define al '((a . 1) (2 . two) (2.5 . flo) ("k" . string) ((1 2) . list)))
(show (assq 'a al) (assv 2 al) (assv 2.5 al) (assq 2.5 '((2.5 . no))) (assoc "k" al) (assoc '(1 2) al))
(show (assoc 2.0 '((1 . one) (2 . two)) =) (assoc 5 '((1 . a) (7 . b)) <))
(define (string-downcase* s) (list->string (map char-downcase (string->list s))))
(show (assoc "K" al (lambda (a b) (and (string? b) (string=? (string-downcase* a) b)))))

; An alist as a table: functional updates make new spines; the old spines
; become garbage while the predicate-driven lookups run.
(define (alist-update key value alist)
  (cond ((null? alist) (list (cons key value)))
        ((equal? (caar alist) key) (cons (cons key value) (cdr alist)))
        (else (cons (car alist) (alist-update key value (cdr alist))))))
(define (count-words words)
  (let loop ((ws words) (table '()))
    (if (null? ws)
        table
        (let ((entry (assoc (car ws) table string=?)))
          (loop (cdr ws) (alist-update (car ws) (if entry (+ (cdr entry) 1) 1) table))))))
(define vocabulary '("alpha" "beta" "gamma" "delta" "epsilon" "zeta" "eta" "theta"))
(define (words n seed)
  (let loop ((i 0) (s seed) (acc '()))
    (if (= i n) acc
        (loop (+ i 1) (modulo (+ (* s 1103) 12345) 65536)
              (cons (string-copy (list-ref vocabulary (modulo (quotient s 256) 8))) acc)))))
(define table (count-words (words (if small? 300 20000) 7)))
(show (length table) (apply + (map cdr table)) (assoc "gamma" table))
(show (map car table))
(show (member "zeta" (map car table) string=?) (member "iota" (map car table) string=?))
