; Errors in Scheme programs unwind with longjmp to the REPL, which reports
; them and goes on. This file is fed to the REPL on stdin, so results are
; printed too. After every kind of error the data defined before it is
; intact and the interpreter still works: rooting stays exact across the
; unwinds (the zeal + verify run checks the heap at every collection).

(define keep (list 1 2 (vector 3 "four") 'five))
(define (f x y) (+ x y))
(f 2 3)

undefined-variable
(car 5)
(f 1 2 3)
(f 1)
((lambda (a b . c) a) 1)
(+ 1 "a")
(vector-ref (vector 1 2) 5)
(string-ref "abc" -1)
(error "something bad:" 42 'foo "str")
(5 3)
(quotient 1 0)
(* 4611686018427387903 2)
(letrec ((a b) (b 1)) a)
(if)
(let ((x)) x)
(apply + 1 2)
(string-append "a" 5)
keep

; An error deep inside nested calls, with many roots live in the frames
; being unwound.
(define (descend k) (if (= k 0) (car '()) (cons k (descend (- k 1)))))
(descend 2000)
; An error in the middle of a prelude procedure (map) called from Scheme.
(map (lambda (x) (if (= x 500) (no-such-procedure x) x)) (iota 1000))
; Runaway recursion: stopped by --max-depth, recovered.
(define (runaway k) (+ 1 (runaway k)))
(runaway 0)
(length (iota 1000))

; The heap limit (--max-heap): a list growing without bound makes an
; allocation fail; the REPL recovers, the list becomes garbage, and the
; heap is usable again.
(define (grow l) (grow (cons (make-vector 400 0) l)))
(grow '())
(define after-oom (make-vector 100 'ok))
(vector-ref after-oom 99)
keep

; Conditions no handler takes: reported by the REPL like any error.
(raise 'a-raised-symbol)
(raise (list 1 2))
(with-exception-handler (lambda (c) 'returned) (lambda () (raise 'not-continuable)))
(/ 1 3)
(exact 2.5)
; A continuation used after its call/cc returned cannot re-enter it.
(define saved-k (call/cc (lambda (k) k)))
(saved-k 1)
; An error leaving a dynamic-wind runs its after thunk on the way to the REPL.
(dynamic-wind (lambda () (display "in ")) (lambda () (car '())) (lambda () (display "out ")))
(newline)

; Reader errors.
)
(display "still here")
(newline)
(f 40 2)
