; Deep non-tail recursion: every level is a C frame of eval with its own
; rooted locals, all live at once while the collector runs.

(define n (if (eq? *size* 'small) 2000 100000))

(define (build k) (if (= k 0) '() (cons k (build (- k 1)))))
(define (sum l) (if (null? l) 0 (+ (car l) (sum (cdr l)))))
(define (my-map f l) (if (null? l) '() (cons (f (car l)) (my-map f (cdr l)))))
(define (count-up k) (if (= k 0) 0 (+ 1 (count-up (- k 1)))))

(define lst (build n))
(display (length lst)) (newline)
(display (sum lst)) (newline)
(display (sum (my-map (lambda (x) (* 2 x)) lst))) (newline)
(display (count-up n)) (newline)

; Data nested n deep in the car direction, built iteratively, measured
; recursively.
(define (nest k) (let loop ((i 0) (acc '())) (if (= i k) acc (loop (+ i 1) (list acc)))))
(define (nest-depth x) (if (null? x) 0 (+ 1 (nest-depth (car x)))))
(display (nest-depth (nest n))) (newline)

; Recursion through closures allocated at every level.
(define (deep-closure k)
  (if (= k 0)
      (lambda () 0)
      (let ((inner (deep-closure (- k 1))))
        (lambda () (+ 1 (inner))))))
(display ((deep-closure (quotient n 10)))) (newline)

(define (ack m k)
  (cond ((= m 0) (+ k 1))
        ((= k 0) (ack (- m 1) 1))
        (else (ack (- m 1) (ack m (- k 1))))))
(display (ack 2 9)) (newline)

; Everything built above is still intact.
(display (sum lst)) (newline)
