; Bytevectors: Grove BYTES objects, never scanned by the collector however
; large (a large one lives in the large-object space). Literals, the R7RS
; procedures, UTF-8 conversion, and allocation of many short-lived ones.

(define small? (eq? *size* 'small))
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (try thunk)
  (call/cc (lambda (k) (with-exception-handler (lambda (e) (k (error-object-message e))) thunk))))

(define b (bytevector 1 2 3 255))
(show b #u8() #u8(0 16 32) (bytevector? b) (bytevector? "abc") (bytevector-length b))
(show (bytevector-u8-ref b 3) (make-bytevector 3 7) (bytevector-length (make-bytevector 0)))
(bytevector-u8-set! b 0 42)
(show b (bytevector-copy b 1) (bytevector-copy b 1 3) (bytevector-append #u8(1) #u8() #u8(2 3)))
(define c (make-bytevector 6 0))
(bytevector-copy! c 1 #u8(9 8 7))
(show c)
(bytevector-copy! c 0 c 1 4) ; overlapping
(show c (equal? #u8(1 2) (bytevector 1 2)) (eqv? #u8(1) #u8(1)))
(show (utf8->string #u8(104 105 33)) (string->utf8 "AZ") (utf8->string (string->utf8 "hello") 1 4))
(show (try (lambda () (bytevector-u8-ref b 4))) (try (lambda () (bytevector 256))))
(show (try (lambda () (bytevector-u8-set! b 0 -1))) (try (lambda () (bytevector-copy! c 5 #u8(1 2)))))

; A large bytevector (large-object space) filled and checksummed, and many
; small ones made and dropped while a list of them stays alive.
(define big-n (if small? 6000 100000))
(define big (make-bytevector big-n 0))
(do ((i 0 (+ i 1))) ((= i big-n)) (bytevector-u8-set! big i (modulo (* i 7) 256)))
(collect)
(define (checksum bv)
  (let loop ((i 0) (s 0)) (if (= i (bytevector-length bv)) s (loop (+ i 1) (+ s (bytevector-u8-ref bv i))))))
(show (checksum big))
(define kept
  (let loop ((i 0) (acc '()))
    (if (= i (if small? 200 20000))
        acc
        (let ((fresh (bytevector (modulo i 256) 1 2)))
          (loop (+ i 1) (if (= 0 (modulo i 10)) (cons fresh acc) acc))))))
(collect-minor)
(show (length kept) (car kept) (apply + (map checksum kept)))
