; Vectors: literals, constructors, mutation, large vectors (allocated in
; the large-object space, old from birth), and old vectors receiving young
; objects — stores the write barrier must remember.

(define small? (eq? *size* 'small))
(define v (vector 1 2 3))
(display (list v (vector-length v) (vector-ref v 2))) (newline)
(display #(a "b" #\c (d e))) (newline)
(write #(a "b" #\c (d e))) (newline)
(display (list (vector->list (make-vector 3 'x)) (list->vector '(1 2)) (vector))) (newline)
(display (vector-map (lambda (x) (* x x)) #(1 2 3 4))) (newline)
(define w (make-vector 4 0))
(vector-fill! w 'z)
(display w) (newline)

; A matrix as a vector of vectors.
(define (make-matrix rows cols init)
  (let ((m (make-vector rows)))
    (do ((i 0 (+ i 1))) ((= i rows) m)
      (vector-set! m i (make-vector cols init)))))
(define (matrix-ref m i j) (vector-ref (vector-ref m i) j))
(define (matrix-set! m i j x) (vector-set! (vector-ref m i) j x))
(define (matrix-multiply a b n)
  (let ((c (make-matrix n n 0)))
    (do ((i 0 (+ i 1))) ((= i n) c)
      (do ((j 0 (+ j 1))) ((= j n))
        (do ((k 0 (+ k 1))) ((= k n))
          (matrix-set! c i j (+ (matrix-ref c i j) (* (matrix-ref a i k) (matrix-ref b k j)))))))))
(define a (make-matrix 3 3 0))
(do ((i 0 (+ i 1))) ((= i 3))
  (do ((j 0 (+ j 1))) ((= j 3))
    (matrix-set! a i j (+ (* i 3) j))))
(display (matrix-multiply a a 3)) (newline)

; Sieve of Eratosthenes in a large vector.
(define (sieve n)
  (let ((marks (make-vector (+ n 1) #t)))
    (let loop ((i 2) (count 0))
      (cond ((> i n) count)
            ((vector-ref marks i)
             (do ((j (* i i) (+ j i))) ((> j n))
               (vector-set! marks j #f))
             (loop (+ i 1) (+ count 1)))
            (else (loop (+ i 1) count))))))
(display (sieve (if small? 5000 30000))) (newline)   ; 669 / 3245 primes

; A large vector is old from birth: every slot gets a fresh (young) pair.
; Then many collections; the pairs must all survive and be intact.
(define big-n (if small? 1000 5000))
(define big (make-vector big-n '()))
(do ((i 0 (+ i 1))) ((= i big-n))
  (vector-set! big i (cons i (number->string i))))
(collect-minor)
(define (check-big i ok)
  (if (= i big-n)
      ok
      (let ((p (vector-ref big i)))
        (check-big (+ i 1) (and ok (= (car p) i) (equal? (cdr p) (number->string i)))))))
(display (check-big 0 #t)) (newline)

; A small vector promoted by a collection, then given young values over and
; over: each store of a young pointer into it needs the barrier.
(define old-vec (make-vector 8 0))
(collect)
(define (churn round)
  (when (< round 2000)
    (vector-set! old-vec (remainder round 8) (list round (* round round)))
    (churn (+ round 1))))
(churn 0)
(collect-minor)
(display old-vec) (newline)

; Nested structure updated in place (set-car!/set-cdr! on old pairs).
(define cell (list 'a 'b))
(collect)
(set-car! cell (list 1 2 3))
(set-cdr! cell (vector 'x (list 'y)))
(collect-minor)
(display cell) (newline)
