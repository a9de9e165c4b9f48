; String ports. A port's state is in the heap: an input port reads its
; string from a position; an output port appends to a buffer string that
; is replaced by one twice as large when full, the old one left as
; garbage. Nothing is held in C, so dropped ports need no finalizer.

(define small? (eq? *size* 'small))
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (try thunk)
  (call/cc (lambda (k) (with-exception-handler (lambda (e) (k (error-object-message e))) thunk))))

(define in (open-input-string "(define (f x) `(,x . 2.5)) 42 \"str\" #\\a #(1 2) #u8(3) ; comment\n sym"))
(show (read in) (read in) (read in) (read in) (read in) (read in) (read in) (eof-object? (read in)))
(define chars (open-input-string "ab\ncd"))
(show (peek-char chars) (read-char chars) (read-char chars) (read-char chars) (peek-char chars))
(show (read-line chars) (read-line chars) (eof-object? (read-char chars)))
(define lines (open-input-string "first line\nsecond\n\nlast"))
(show (read-line lines) (read-line lines) (read-line lines) (read-line lines) (eof-object? (read-line lines)))
(define str (open-input-string "abcdefg"))
(show (read-string 3 str) (read-string 10 str) (eof-object? (read-string 1 str)) (char-ready? str))
(show (input-port? in) (output-port? in) (port? 'x) (input-port-open? in) (eof-object) (eof-object? 'x))

(define out (open-output-string))
(write 'sym out) (write-char #\space out) (write "q\"s" out) (display " " out) (display 1.5 out)
(newline out) (write-string "tail" out) (write-string "0123456789" out 2 5) (write-char #\! out)
(show (get-output-string out) (output-port? out))
(show (get-output-string (open-output-string)))

; Errors: a read error carries the port's name and line; a closed port.
(show (try (lambda () (read (open-input-string "(1 2\n 3")))))
(show (try (lambda () (read (open-input-string "\n\n)")))))
(define closed (open-input-string "x"))
(close-port closed)
(show (input-port-open? closed) (try (lambda () (read closed))) (try (lambda () (read-char 5))))

; The input string is copied: changing it after opening changes nothing.
(define s (string-copy "abc"))
(define sp (open-input-string s))
(string-set! s 0 #\z)
(show (read sp))

; Round trips under allocation: values written to a growing output port
; (the buffer string doubles many times), read back from an input port.
(define (round-trip n)
  (let ((o (open-output-string)))
    (do ((i 0 (+ i 1))) ((= i n))
      (write (list i (* i 0.5) (number->string i 16) (vector i 'v) `(q ,i)) o)
      (newline o))
    (let ((text (get-output-string o)))
      (let ((i (open-input-string text)))
        (let loop ((count 0) (sum 0) (last #f))
          (let ((d (read i)))
            (if (eof-object? d)
                (list count sum (string-length text) last)
                (loop (+ count 1) (+ sum (car d) (cadr d)) d))))))))
(show (round-trip (if small? 100 5000)))

; Many short-lived ports.
(define (port-churn n)
  (let loop ((i 0) (acc 0))
    (if (= i n)
        acc
        (let ((o (open-output-string)))
          (display i o)
          (loop (+ i 1) (+ acc (string-length (get-output-string o))))))))
(show (port-churn (if small? 300 30000)))
