; Strings, characters and symbols. Strings are byte arrays (Grove BYTES
; objects: no pointers inside); long ones live in the large-object space.

(define s (string-append "hello" ", " "world"))
(display s) (newline)
(write s) (newline)
(display (list (string-length s) (string-ref s 4) (substring s 7 12))) (newline)
(write (list #\a #\space #\newline (string #\x #\y))) (newline)
(write "tab\there \"quoted\" back\\slash") (newline)

(define m (make-string 5 #\-))
(string-set! m 2 #\+)
(display m) (newline)
(display (list (string=? "abc" "abc") (string<? "abc" "abd") (string>? "b" "abc"))) (newline)
(display (list (string->number "12345") (string->number "-7") (string->number "12x"))) (newline)
(display (number->string (* 123456789 1000))) (newline)
(display (list->string (reverse (string->list "stressed")))) (newline)
(display (map char-upcase (string->list "shout"))) (newline)
(display (list (char->integer #\A) (integer->char 97) (char<? #\a #\b))) (newline)

; Symbols are interned: the same name gives the same object, even for
; names built at run time and after collections have moved everything.
(define sym (string->symbol (string-append "dyn" "amic")))
(collect)
(display (list (eq? sym 'dynamic) (symbol->string 'abc) (symbol? sym) (string? "x"))) (newline)
(define (gensyms k acc)
  (if (= k 0) acc (gensyms (- k 1) (cons (string->symbol (string-append "g" (number->string k))) acc))))
(define syms (gensyms 3000 '()))
(collect)
(display (eq? (list-ref syms 1233) (string->symbol "g1234"))) (newline)

; Building a long string piece by piece: the intermediate strings grow
; past the small-object limit into the large-object space.
(define (repeat str k)
  (let loop ((i 0) (acc ""))
    (if (= i k) acc (loop (+ i 1) (string-append acc str)))))
(define long (repeat "0123456789" 1000))
(display (list (string-length long) (string-ref long 9995) (substring long 4990 5005))) (newline)

; Word counting with strings and association lists.
(define (split str ch)
  (let loop ((i 0) (start 0) (words '()))
    (cond ((= i (string-length str))
           (reverse (if (> i start) (cons (substring str start i) words) words)))
          ((char=? (string-ref str i) ch)
           (loop (+ i 1) (+ i 1) (if (> i start) (cons (substring str start i) words) words)))
          (else (loop (+ i 1) start words)))))
(define words (split "the quick brown fox jumps over the lazy dog the end" #\space))
(define (count-words ws)
  (let loop ((ws ws) (counts '()))
    (if (null? ws)
        counts
        (let ((entry (assoc (car ws) counts)))
          (if entry
              (begin (set-cdr! entry (+ (cdr entry) 1)) (loop (cdr ws) counts))
              (loop (cdr ws) (cons (cons (car ws) 1) counts)))))))
(display (assoc "the" (count-words words))) (newline)
(display (length words)) (newline)
