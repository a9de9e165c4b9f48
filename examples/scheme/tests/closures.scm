; Closures: captured variables, shared mutable state, higher-order
; procedures, internal defines, letrec, varargs, apply.

(define (make-counter)
  (let ((n 0))
    (lambda () (set! n (+ n 1)) n)))
(define c1 (make-counter))
(define c2 (make-counter))
(c1) (c1) (c2)
(display (list (c1) (c2))) (newline)                 ; (3 2)

(define (make-adder k) (lambda (x) (+ x k)))
(define add5 (make-adder 5))
(display (map add5 '(1 2 3))) (newline)              ; (6 7 8)

(define (compose . fs)
  (if (null? fs)
      (lambda (x) x)
      (lambda (x) ((car fs) ((apply compose (cdr fs)) x)))))
(display ((compose add5 (make-adder 10) (lambda (x) (* x 2))) 1)) (newline) ; 17

; A bank account: two closures sharing one frame.
(define (make-account balance)
  (define (withdraw amount)
    (if (> amount balance)
        'insufficient
        (begin (set! balance (- balance amount)) balance)))
  (define (deposit amount) (set! balance (+ balance amount)) balance)
  (lambda (op . args)
    (cond ((eq? op 'withdraw) (apply withdraw args))
          ((eq? op 'deposit) (apply deposit args))
          ((eq? op 'balance) balance)
          (else (error "unknown op" op)))))
(define acc (make-account 100))
(display (list (acc 'withdraw 30) (acc 'deposit 50) (acc 'withdraw 500) (acc 'balance))) (newline)

; Each iteration of do binds fresh variables: closures see their own i.
(define procs '())
(do ((i 0 (+ i 1))) ((= i 5))
  (set! procs (cons (lambda () (* i i)) procs)))
(display (map (lambda (p) (p)) procs)) (newline)     ; (16 9 4 1 0)

; Mutual recursion through letrec.
(display (letrec ((ev? (lambda (n) (if (= n 0) #t (od? (- n 1)))))
                  (od? (lambda (n) (if (= n 0) #f (ev? (- n 1))))))
           (list (ev? 100) (od? 7) (ev? 7))))
(newline)                                            ; (#t #t #f)

; Many closures alive at once, each with its own state, built while the
; collector runs.
(define counters (map (lambda (i) (let ((n i)) (lambda () (set! n (+ n 1)) n))) (iota 1000)))
(for-each (lambda (c) (c) (c)) counters)
(display (fold-left + 0 (map (lambda (c) (c)) counters))) (newline) ; 502500

; Variadic lambdas and rest lists.
(define (f a b . rest) (list a b rest))
(display (list (f 1 2) (f 1 2 3 4) ((lambda args args) 7 8 9))) (newline)

; let, let*, named let, case, when, unless, and, or
(display (let* ((x 2) (y (* x 3)) (z (+ x y))) (list x y z))) (newline)
(display (let loop ((i 0) (acc '())) (if (= i 5) (reverse acc) (loop (+ i 1) (cons i acc))))) (newline)
(define (classify n)
  (case n ((1 2 3) 'small) ((4 5 6) 'medium) (else 'large)))
(display (map classify '(1 5 9))) (newline)
(display (list (and) (and 1 2) (and 1 #f 3) (or) (or #f 2) (or #f #f))) (newline)
(when (> 3 2) (display "when ok") (newline))
(unless (> 3 2) (display "unless wrong") (newline))
(display (cond ((assv 2 '((1 . one) (2 . two))) => cdr) (else 'none))) (newline)

; A closure-based stream: lazy list of integers.
(define (ints-from n) (cons n (lambda () (ints-from (+ n 1)))))
(define (stream-take s k) (if (= k 0) '() (cons (car s) (stream-take ((cdr s)) (- k 1)))))
(display (stream-take (ints-from 10) 5)) (newline)
(display add5) (newline)
