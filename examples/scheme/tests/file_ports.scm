; Reading files: open-input-file reads the whole file into a string held
; by the port (no C resource stays open, so an unreachable port needs no
; finalizer), and call-with-input-file closes the port when its procedure
; returns. (with-input-from-file is not provided: there is no
; parameterizable current input port.) Run with the tests directory as the
; working directory.

(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (try thunk)
  (call/cc
   (lambda (k)
     (with-exception-handler
      (lambda (e) (k (list (if (file-error? e) 'file-error 'other) (error-object-message e))))
      thunk))))

(define (read-all port)
  (let loop ((acc '()))
    (let ((d (read port)))
      (if (eof-object? d) (reverse acc) (loop (cons d acc))))))
(for-each show (call-with-input-file "file_ports.data" read-all))

; This program, read as data: count its top-level forms and definitions.
(define self (call-with-input-file "file_ports.scm" read-all))
(show (length self) (length (filter (lambda (d) (and (pair? d) (eq? (car d) 'define))) self)))

; Line by line and character by character, from one port each.
(define p (open-input-file "file_ports.data"))
(show (read-line p) (read-line p))
(close-input-port p)
(show (input-port-open? p))
(define (count-chars name)
  (let ((port (open-input-file name)))
    (let loop ((n 0) (lines 0))
      (let ((c (read-char port)))
        (cond ((eof-object? c) (close-port port) (list n lines))
              ((char=? c #\newline) (loop (+ n 1) (+ lines 1)))
              (else (loop (+ n 1) lines)))))))
(show (count-chars "file_ports.data"))

; The port from call-with-input-file is closed afterwards.
(define kept-port (call-with-input-file "file_ports.data" (lambda (port) port)))
(show (input-port-open? kept-port))

(show (try (lambda () (open-input-file "no-such-file.data"))))
(show (try (lambda () (call-with-input-file "file_ports.data" (lambda (port) (read port) (car '()))))))
