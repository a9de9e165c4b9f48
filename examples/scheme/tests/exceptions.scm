; Exceptions: error objects, raise, raise-continuable, with-exception-handler.
; A handler runs where the raise happened, deeper on the C stack, with the
; outer handlers in force; it leaves through a continuation (or returns, for
; raise-continuable). The interpreter's own errors (wrong type, arity,
; unbound variable, ...) become error objects too when a handler is
; installed.

(define small? (eq? *size* 'small))
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (try thunk)
  (call/cc
   (lambda (k)
     (with-exception-handler
      (lambda (e)
        (k (cond ((error-object? e)
                  (list (cond ((read-error? e) 'read-error) ((file-error? e) 'file-error) (else 'error))
                        (error-object-message e) (error-object-irritants e)))
                 (else (list 'raised e)))))
      thunk))))

(show (try (lambda () (error "something failed:" 42 'foo "str"))))
(show (try (lambda () (raise 'a-symbol))) (try (lambda () (raise (list 1 2)))) (try (lambda () 'no-error)))
(show (try (lambda () (car 5))))
(show (try (lambda () (undefined-procedure 1))))
(show (try (lambda () ((lambda (x) x)))))
(show (try (lambda () (/ 7 2))))
(show (try (lambda () (vector-ref (make-vector 2 0) 2))))
(show (try (lambda () (read (open-input-string "(1 2")))))
(show (try (lambda () (open-input-file "/no/such/file.scm"))))
(show (try (lambda () (error-object-message 'not-an-error))))

; An error object is an ordinary value.
(define e (call/cc (lambda (k) (with-exception-handler k (lambda () (error "kept" 1 2))))))
(show (error-object? e) (error-object? 'x) (error-object-message e) (error-object-irritants e))
(display e) (newline)

; raise-continuable: the handler's value is the value of the raise.
(show (with-exception-handler (lambda (c) (* c 10)) (lambda () (+ 1 (raise-continuable 4)))))
(show (with-exception-handler
       (lambda (c) (if (string? c) (string-length c) 0))
       (lambda () (list (raise-continuable "abc") (raise-continuable 'sym)))))

; A handler runs with the outer handlers in force: raising in it goes out.
(show (try (lambda ()
             (with-exception-handler
              (lambda (c) (raise (list 'rethrown c)))
              (lambda () (raise 'inner))))))

; A handler that returns from a non-continuable raise: a secondary error,
; raised to the outer handler.
(show (try (lambda () (with-exception-handler (lambda (c) 'returned) (lambda () (raise 'x))))))

; After an escape out of a handler, the handlers in force are the ones
; outside again: a later raise does not reach the inner handler.
(define inner-calls 0)
(show (call/cc (lambda (k)
                 (with-exception-handler
                  (lambda (c) (set! inner-calls (+ inner-calls 1)) (k 'escaped))
                  (lambda () (raise 'once))))))
(show (try (lambda () (raise 'later))) inner-calls)

; Handlers and errors in a loop under allocation: each error object is a
; fresh allocation that lives until its handler escapes.
(define (errors n)
  (let loop ((i 0) (caught '()))
    (if (= i n)
        (list (length caught) (car caught))
        (loop (+ i 1)
              (cons (try (lambda ()
                           (if (odd? i)
                               (error "odd" i (make-string 3 #\o))
                               (raise (cons i (make-vector 2 i))))))
                    caught)))))
(show (errors (if small? 100 10000)))

; A catch frame records the handlers in force when it is set up and puts
; them back when a throw lands on it: that list must be kept up to date by
; the collections in between (the frames' root visitor).
(define (escape-then-raise n)
  (with-exception-handler
   (lambda (c) (* c 2))
   (lambda ()
     (let loop ((i 0) (sum 0))
       (if (= i n)
           sum
           (let ((v (call/cc (lambda (k) (make-vector 20 i) (k (list i (make-string 5 #\x)))))))
             (loop (+ i 1) (+ sum (raise-continuable (car v))))))))))
(show (escape-then-raise (if small? 200 5000)))
