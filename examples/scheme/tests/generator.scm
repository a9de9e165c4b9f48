; Generators on escaping continuations. A generator here is a walker, a
; procedure that calls (yield x) for each element it produces; a consumer
; takes the elements it wants by running the walker under a call/cc and
; escaping from inside the walk. The escape unwinds deep recursion holding
; live data in every frame, through dynamic-wind frames that count the
; entries and exits. Nothing re-enters a finished extent: where a consumer
; needs the next element it walks again and skips, so the program makes a
; great many continuations, each used once.

(define scale (case *size* ((small) 1) ((bench) 12) (else 3)))
(define entries 0)
(define exits 0)

; The i-th element of a walk (0-based), or 'done.
(define (walk-ref walker i)
  (call/cc
   (lambda (return)
     (let ((seen 0))
       (dynamic-wind
        (lambda () (set! entries (+ entries 1)))
        (lambda ()
          (walker (lambda (x) (if (= seen i) (return x) (set! seen (+ seen 1)))))
          'done)
        (lambda () (set! exits (+ exits 1))))))))

; The first k elements, escaping as soon as there are enough.
(define (take-walk walker k)
  (call/cc
   (lambda (return)
     (let ((acc '()) (n 0))
       (walker (lambda (x)
                 (set! acc (cons x acc))
                 (set! n (+ n 1))
                 (if (= n k) (return (reverse acc)))))
       (reverse acc)))))

; Walkers.
(define (tree-walker tree)
  (lambda (yield)
    (let walk ((t tree))
      (cond ((null? t) #f)
            ((pair? t) (let ((here (cons t t))) (walk (car t)) (walk (cdr t)) here))
            (else (yield t))))))
(define (naturals-from n) (lambda (yield) (let loop ((i n)) (yield i) (loop (+ i 1)))))
(define (filter-walker keep? walker) (lambda (yield) (walker (lambda (x) (if (keep? x) (yield x))))))
(define (map-walker f walker) (lambda (yield) (walker (lambda (x) (yield (f x))))))

; Primes: a candidate is prime unless a prime divides it; the scan over the
; primes found so far escapes as soon as it can decide.
(define (prime? n primes)
  (call/cc
   (lambda (decide)
     (for-each (lambda (p) (cond ((> (* p p) n) (decide #t)) ((= 0 (remainder n p)) (decide #f)))) primes)
     #t)))
(define (primes-walker)
  (lambda (yield)
    (let loop ((n 2) (found '()) (last '()))
      (if (prime? n found)
          (let ((cell (list n)))
            (yield n)
            (if (null? found) (loop (+ n 1) cell cell) (begin (set-cdr! last cell) (loop (+ n 1) found cell))))
          (loop (+ n 1) found last)))))

; Same fringe: two trees of different shapes, compared element by element
; through walk-ref (quadratic, on purpose: every step is an escape).
(define (same-fringe? a b)
  (let loop ((i 0))
    (let ((x (walk-ref (tree-walker a) i)) (y (walk-ref (tree-walker b) i)))
      (cond ((and (eq? x 'done) (eq? y 'done)) #t)
            ((equal? x y) (loop (+ i 1)))
            (else (list 'differ-at i x y))))))
(define (left-comb l) (if (null? (cdr l)) (car l) (cons (left-comb (cdr l)) (car l))))
(define (right-comb l) (if (null? (cdr l)) (car l) (cons (car l) (right-comb (cdr l)))))
(define (balanced l)
  (if (null? (cdr l)) (car l)
      (let ((half (quotient (length l) 2)))
        (cons (balanced (list-head l half)) (balanced (list-tail l half))))))
(define (list-head l k) (if (= k 0) '() (cons (car l) (list-head (cdr l) (- k 1)))))

(define leaves (iota (if (= scale 1) 25 (* 40 scale)) 1))
(display "same fringe (balanced, right comb): ")
(display (same-fringe? (balanced leaves) (right-comb leaves))) (newline)
(display "same fringe (balanced, left comb): ")
(display (same-fringe? (balanced leaves) (left-comb leaves))) (newline)
(display "first primes: ") (display (take-walk (primes-walker) 15)) (newline)
(define nth-prime (if (= scale 1) 100 (* 300 scale)))
(display "prime number ") (display nth-prime) (display ": ")
(display (walk-ref (primes-walker) (- nth-prime 1))) (newline)
(display "squares of odd naturals: ")
(display (take-walk (map-walker (lambda (x) (* x x)) (filter-walker odd? (naturals-from 1))) 8)) (newline)
(define (sum-of-walk walker k) (apply + (take-walk walker k)))
(display "sum of the first 1000 naturals divisible by 7: ")
(display (let loop ((i 0) (s 0)) (if (= i (if (= scale 1) 2 (* 11 scale))) s
                                     (loop (+ i 1) (sum-of-walk (filter-walker (lambda (x) (= 0 (modulo x 7))) (naturals-from 1)) 1000)))))
(newline)
(display "every escape left its dynamic-wind: ") (display (= entries exits)) (display " ")
(display (> entries 0)) (newline)
