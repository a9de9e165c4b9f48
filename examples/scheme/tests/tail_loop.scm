; Proper tail calls: loops written as tail recursion run in constant C
; stack, constant VM stack, constant roots and constant heap. The test runs
; with a heap limit (--max-heap) far below what 10 million frames would
; need, so any leak per iteration would end in "out of memory".

(define n (if (eq? *size* 'small) 100000 10000000))
(define m (quotient n 100))

; The 10-million-iteration loop: one frame allocated per iteration.
(define (loop i acc) (if (= i 0) acc (loop (- i 1) (+ acc 1))))
(display (loop n 0)) (newline)

; Named let allocating a fresh pair per iteration, dropped at once.
(display (let lp ((i 0) (last '())) (if (= i m) (car last) (lp (+ i 1) (cons i '()))))) (newline)

; Mutual tail recursion.
(define (ping i) (if (= i 0) 'ping (pong (- i 1))))
(define (pong i) (if (= i 0) 'pong (ping (- i 1))))
(display (list (ping m) (ping (+ m 1)))) (newline)

; do loops, cond / and / or / when in tail position, apply in tail position.
(display (do ((i 0 (+ i 1)) (s 0 (+ s 2))) ((= i m) s))) (newline)
(define (count-down i)
  (cond ((= i 0) 'cond-ok)
        (else (and #t (or #f (when #t (count-down (- i 1))))))))
(display (count-down m)) (newline)
(define (ap i) (if (= i 0) 'apply-ok (apply ap (list (- i 1)))))
(display (ap m)) (newline)

; The evaluator's nesting at the bottom of a long tail loop is the same as
; after ten iterations.
(define (depth-at i) (if (= i 0) (eval-depth) (depth-at (- i 1))))
(display (= (depth-at 10) (depth-at m))) (newline)

; And the old generation holds nothing the loops left behind.
(collect)
(display (< (gc-stat 'live-bytes) 2000000)) (newline)
