; dynamic-wind: before, thunk, after; an escape or an error leaving the
; thunk runs `after` on the way out. A dynamic-wind is a catch frame of its
; own: a throw passing through lands on it, runs the after thunk (which may
; allocate, collect, and even escape and catch on its own), then goes on.

(define small? (eq? *size* 'small))
(define (show . xs) (for-each (lambda (x) (display x) (display " ")) xs) (newline))
(define trail '())
(define (note x) (set! trail (cons x trail)))
(define (trail!) (let ((t (reverse trail))) (set! trail '()) t))
(define (try thunk)
  (call/cc
   (lambda (k)
     (with-exception-handler
      (lambda (e) (k (if (error-object? e) (list 'error (error-object-message e)) (list 'raised e))))
      thunk))))

; Normal return: the thunk's value, after `after` ran.
(show (dynamic-wind (lambda () (note 'in)) (lambda () (note 'body) 'value) (lambda () (note 'out)))
      (trail!))

; An escape runs the after thunks innermost first.
(show (call/cc
       (lambda (k)
         (dynamic-wind
          (lambda () (note 'in1))
          (lambda ()
            (dynamic-wind (lambda () (note 'in2)) (lambda () (k 'escaped)) (lambda () (note 'out2))))
          (lambda () (note 'out1)))))
      (trail!))

; An error leaving the thunk: the handler runs first (at the raise), then
; its escape unwinds through the winds.
(show (try (lambda ()
             (dynamic-wind (lambda () (note 'in))
                           (lambda () (vector-ref (vector) 0))
                           (lambda () (note 'out)))))
      (trail!))

; An escape that does not leave the wind runs nothing extra.
(show (dynamic-wind (lambda () (note 'in))
                    (lambda () (call/cc (lambda (k) (k 'inner-escape))))
                    (lambda () (note 'out)))
      (trail!))

; The after thunk escapes and catches on its own while a throw is pending:
; the pending throw still arrives with its own value.
(show (call/cc
       (lambda (k)
         (dynamic-wind
          (lambda () #f)
          (lambda () (k (list 'pending 'value)))
          (lambda () (note (call/cc (lambda (inner) (inner 'after-caught)))) (note (make-vector 100 'x))
            (note 'after-done)))))
      (length (trail!)))

; An after thunk that escapes replaces the pending throw.
(show (call/cc
       (lambda (outer)
         (call/cc
          (lambda (k)
            (dynamic-wind (lambda () #f)
                          (lambda () (k 'first))
                          (lambda () (outer 'replaced-by-after))))))))

; Winds in a loop, with allocation in every part, escaping every other
; time: the frames and their roots come and go under collections.
(define (wind-loop n)
  (let loop ((i 0) (ins 0) (outs 0) (vals '()))
    (if (= i n)
        (list ins outs (length vals) (car vals))
        (let* ((in-count ins) (out-count outs)
               (v (call/cc
                   (lambda (k)
                     (dynamic-wind
                      (lambda () (set! in-count (+ in-count 1)))
                      (lambda () (let ((l (list i (make-string 10 #\a)))) (if (odd? i) (k l) (cons 'kept l))))
                      (lambda () (set! out-count (+ out-count 1)) (make-vector 5 i)))))))
          (loop (+ i 1) in-count out-count (cons v vals))))))
(show (wind-loop (if small? 200 20000)))
