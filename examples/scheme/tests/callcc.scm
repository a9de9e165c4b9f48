; call/cc: escaping continuations. A continuation names the catch frame
; of its call/cc; calling it longjmps there, and landing exits the
; grove_scope the frame entered, dropping the roots of every C frame in
; between, then restores the VM stack and the eval depth. Only escapes are
; supported: calling a continuation after its call/cc has returned is an
; error (caught here by a handler).

(define small? (eq? *size* 'small))
(define (show . xs) (for-each (lambda (x) (display x) (display " ")) xs) (newline))
(define (try thunk)
  (call/cc
   (lambda (k)
     (with-exception-handler
      (lambda (e) (k (if (error-object? e) (list 'error (error-object-message e)) (list 'raised e))))
      thunk))))

(show (call/cc (lambda (k) 1)) (call-with-current-continuation (lambda (k) (+ 1 (k 42)))))
(show (+ 1 (call/cc (lambda (k) (* 10 (k 2))))) (call/cc procedure?) (procedure? car))
(show (call/cc (lambda (k) (k))) (call/cc (lambda (k) (apply k '(applied)))))

; Escaping from deep non-tail recursion that holds a fresh list in every
; frame: all of it is unwound at once, and must not be followed afterwards.
(define depth0 (eval-depth))
(define (search tree target k)
  (cond ((null? tree) #f)
        ((pair? tree)
         (let ((here (list 'visited tree)))
           (search (car tree) target k)
           (search (cdr tree) target k)
           (length here)))
        ((eqv? tree target) (k (list 'found tree)))
        (else #f)))
(define (make-tree d n) (if (= d 0) n (cons (make-tree (- d 1) (* 2 n)) (make-tree (- d 1) (+ (* 2 n) 1)))))
(define tree-depth (if small? 8 12))
(define tree (make-tree tree-depth 1)) ; leaves 2^depth .. 2^(depth+1) - 1
(show (call/cc (lambda (k) (search tree (+ (expt 2 tree-depth) 44) k)))
      (call/cc (lambda (k) (search tree -1 k))))

; Early exit from a prelude loop (for-each), and from the middle of map.
(define (first-negative l)
  (call/cc (lambda (return) (for-each (lambda (x) (if (< x 0) (return x))) l) 'none)))
(show (first-negative '(3 1 -4 1 -5)) (first-negative '(1 2)))
(show (call/cc (lambda (k) (map (lambda (x) (if (= x 3) (k 'stopped-at-3) (* x x))) '(1 2 3 4)))))

; Nested: the inner continuation's extent is inside the outer's.
(show (call/cc (lambda (outer) (+ 100 (call/cc (lambda (inner) (outer 'outer-wins)))))))
(show (call/cc (lambda (outer) (+ 100 (call/cc (lambda (inner) (inner 1)))))))

; Many continuations, one per iteration: frames come and go, nothing leaks
; (neither C stack nor roots nor catch frames), and collections run meanwhile.
(define (escapes n)
  (let loop ((i 0) (acc '()))
    (if (= i n)
        (length acc)
        (loop (+ i 1) (cons (call/cc (lambda (k) (if (odd? i) (k (list i 'odd)) (list i 'even)))) acc)))))
(show (escapes (if small? 300 20000)))
(define depth1 (eval-depth))
(show (= depth0 depth1)) ; the escapes left the eval depth as they found it

; A continuation kept after its extent ended cannot be re-entered.
(define saved #f)
(show (call/cc (lambda (k) (set! saved k) 'first-time)))
(show (try (lambda () (saved 'again))))
(show (try (lambda () (call/cc (lambda (k) (k 1 2))))))

; The escape value survives the unwinding intact, even when it is large
; and young and the unwound frames allocated a lot.
(define (build-then-escape n k)
  (let loop ((i 0) (acc '()))
    (if (= i n) (k acc) (loop (+ i 1) (cons (make-vector 3 i) acc)))))
(define escaped (call/cc (lambda (k) (build-then-escape (if small? 200 5000) k))))
(collect)
(show (length escaped) (vector-ref (car escaped) 2))
