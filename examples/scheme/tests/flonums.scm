; Flonums: boxed inexact reals (Grove BYTES objects of 8 bytes, never
; scanned), mixed exact/inexact arithmetic and comparison, exactness,
; rounding, the usual functions, reading and printing. Every flonum result
; is a fresh allocation, so the loops below make many short-lived objects
; and keep some alive across collections.

(define small? (eq? *size* 'small))
(define (show . xs) (for-each (lambda (x) (display x) (display " ")) xs) (newline))

; Reading and printing: the shortest text that reads back as the same double.
(show 1.5 -0.25 100.0 0.1 1e21 1.5e-9 123.456 -0.0 1e-7 12345678901234567890.0)
(show (/ 1.0 3) (* 4 (atan 1)) (sqrt 2) +inf.0 -inf.0 (- +inf.0 +inf.0))
(show .5 -.5 1. #i3 #e2.0 #x1F #b101 #o17 #e1e3)

; Mixed arithmetic: any inexact argument makes the result inexact.
(show (+ 1 2.5) (- 10 0.5) (* 2 3.0) (/ 9 2.0) (/ 8 2) (/ 2.0) (- 3.5) (+ 1 2 3))
(show (exact 3.0) (exact -12.0) (inexact 7) (exact->inexact 1) (inexact->exact 42.0))
(show (exact? 1) (exact? 1.0) (inexact? 1.0) (exact-integer? 5) (exact-integer? 5.0))
(show (integer? 2.0) (integer? 2.5) (rational? 1.5) (rational? +inf.0) (real? 1) (number? 'a))
(show (nan? (/ 0.0 0.0)) (infinite? -inf.0) (finite? 1e308) (zero? -0.0) (positive? 1e-300))
(show (odd? 3.0) (even? 4.0) (abs -2.5) (max 1 2.0) (min 1 2) (min 1.5 -3))

; Comparison is exact between fixnums and flonums, even where the fixnum
; has no exact double: 2^53 + 1 is not 2^53 as a double would say.
(define big (+ (expt 2 53) 1))
(show (= big (exact->inexact big)) (< (exact->inexact (expt 2 53)) big) (= 1 1.0) (< 1 1.5 2))
(show (eqv? 1.0 1.0) (eqv? 1 1.0) (eqv? 0.0 -0.0) (equal? '(1.5 2) (list 1.5 2)) (= 0.0 -0.0))
(show (memv 2.0 '(1 2.0 3)) (assv 0.5 '((0.25 . a) (0.5 . b))) (case 2.0 ((2) 'exact) ((2.0) 'inexact)))

; Rounding: round takes halves to even.
(show (floor 2.5) (ceiling 2.1) (round 2.5) (round 3.5) (round -2.5) (truncate -2.7) (floor 7))
(show (quotient 17 5) (remainder -17 5) (modulo -17 5) (modulo 17.0 -5) (floor-quotient -7 2))
(show (sqrt 16) (sqrt 15) (sqrt 0.25) (expt 2 10) (expt 2.0 -1) (expt 4 0.5) (square 1.5))
(show (expt 1 1000000000000) (expt -1 1000000000001) (expt 3 39) (expt -2 61) (expt 0 0))
(show (exp 0) (log 1) (sin 0) (cos 0) (atan 1 1) (< 2.999 (log 8 2) 3.001) (number->string 255 16))
(show (string->number "2.5e2") (string->number "-inf.0") (string->number "abc") (string->number "1/2"))
(show (number->string 0.1) (number->string 1e100) (number->string -7) (exact (floor 3.7)))

; No rationals: exact division must come out even, and says so when not.
(show (/ 12 4) (/ -9 3) (/ 1 2.0))

; Allocation: sums of many fresh flonums, with a long-lived list of them
; promoted and then read back after collections.
(define n (if small? 2000 200000))
(define (harmonic k acc) (if (= k 0) acc (harmonic (- k 1) (+ acc (/ 1.0 k)))))
(show (< 7.0 (harmonic 2000 0) 8.3) (> (harmonic n 0) 8.0))
(define keep (let loop ((i 0) (acc '())) (if (= i 100) acc (loop (+ i 1) (cons (* i 0.5) acc)))))
(collect-minor)
(define (churn k) (if (> k 0) (begin (exact->inexact k) (churn (- k 1)))))
(churn (if small? 500 50000))
(collect)
(show (apply + keep) (length keep) (car keep) (list-ref keep 99))

; A vector of flonums, old, receiving new (young) flonums: the barrier.
(define v (make-vector 50 0.0))
(collect)
(do ((i 0 (+ i 1))) ((= i 50)) (vector-set! v i (* i 1.25)))
(collect-minor)
(show (vector-ref v 49) (let sum ((i 0) (s 0)) (if (= i 50) s (sum (+ i 1) (+ s (vector-ref v i))))))
