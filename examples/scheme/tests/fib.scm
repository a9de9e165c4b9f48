; Doubly recursive Fibonacci: calls, fixnum arithmetic, frames that die
; young. Sizes: small (zeal runs), normal (tests), bench (--bench).
(define n (case *size* ((small) 20) ((bench) 30) (else 25)))
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(display "fib(") (display n) (display ") = ") (display (fib n)) (newline)
