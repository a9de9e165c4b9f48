; eq? and eqv? hashtables. Heap-object keys hash by Grove's identity hash,
; which survives every move, so lookups keep working across minor and major
; collections with no rehash; the table is only rehashed when it grows.
; Also the benchmark program of the interp-hashtable row (--size bench).

(define key-count (case *size* ((small) 300) ((bench) 6000) (else 3000)))
(define rounds (case *size* ((small) 1) ((bench) 9) (else 2)))
; The benchmark leaves collections to the allocation rate; the tests force
; them at known points too.
(define force-collections? (not (eq? *size* 'bench)))
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))

; ---- the basic operations ----
(define t (make-eq-hashtable))
(show (hashtable? t) (hashtable? (vector)) (hashtable-count t) t)
(define k1 (list 'a 'b))
(hashtable-set! t k1 'one)
(hashtable-set! t 'sym 'two)
(hashtable-set! t 42 'three)
(show (hashtable-ref t k1 'none) (hashtable-ref t 'sym 'none) (hashtable-ref t 42 'none)
      (hashtable-ref t (list 'a 'b) 'none) (hashtable-ref t 43) (hashtable-count t))
(hashtable-set! t k1 'uno) ; replacing a value keeps the count
(show (hashtable-ref t k1 'none) (hashtable-count t) (hashtable-contains? t k1)
      (hashtable-contains? t 'other))
(hashtable-delete! t k1)
(hashtable-delete! t 'absent) ; deleting a missing key does nothing
(show (hashtable-contains? t k1) (hashtable-ref t k1 'gone) (hashtable-count t))

; ---- eq? semantics: equal but distinct objects are different keys ----
(define s1 (string-copy "abc"))
(define s2 (string-copy "abc"))
(hashtable-set! t s1 'first)
(hashtable-set! t s2 'second)
(show (equal? s1 s2) (hashtable-ref t s1 #f) (hashtable-ref t s2 #f) (hashtable-ref t "abc" #f))
(define f1 (* 1.5 1.0))
(define f2 (+ 1.0 0.5))
(define tv (make-eqv-hashtable))
(hashtable-set! t f1 'flo)
(hashtable-set! tv f1 'flo)
(hashtable-set! tv #\x 'char)
(show (eq? f1 f2) (eqv? f1 f2) (hashtable-ref t f2 'distinct) (hashtable-ref tv f2 'distinct)
      (hashtable-ref tv #\x #f) (hashtable-ref tv s1 'absent))
(collect)
(show (hashtable-ref tv (+ 0.5 1.0) #f) (hashtable-ref t s1 #f) (hashtable-ref t s2 #f))

; ---- many keys of every kind, collections between the insertions ----
(define-record-type thing (make-thing n) thing? (n thing-n))
(define (make-key i)
  (case (modulo i 10)
    ((0) (cons i i))
    ((1) (vector i))
    ((2) (number->string i))
    ((3) (lambda () i))
    ((4) (make-thing i))
    ((5) (string->symbol (string-append "k" (number->string i))))
    ((6) (make-bytevector 3 (modulo i 256)))
    ((7) (exact->inexact i)) ; a flonum: a heap object in an eq? table
    ((8) i) ; fixnums: immediates
    (else (if (< i 256) (integer->char i) (list i)))))

(define (garbage n) (if (> n 0) (begin (make-vector 4 n) (garbage (- n 1)))))

; Fill a fresh table, forcing collections as it goes: a minor collection
; every 97 keys (so most keys are young when inserted and promoted later),
; a major one every 1000; the nursery filling up adds more. Returns the keys in a vector.
(define (fill table n)
  (let ((keys (make-vector n #f)))
    (do ((i 0 (+ i 1))) ((= i n) keys)
      (let ((k (make-key i)))
        (vector-set! keys i k)
        (hashtable-set! table k i)
        (garbage 3)
        (when force-collections?
          (if (= (modulo i 97) 96) (collect-minor))
          (if (= (modulo i 1000) 999) (collect)))))))

; How many keys do not find their value (the value is the key's index).
(define (misses table keys present?)
  (let loop ((i 0) (bad 0))
    (if (= i (vector-length keys))
        bad
        (let* ((k (vector-ref keys i))
               (want (if (present? i) i 'absent)))
          (loop (+ i 1)
                (if (and (eqv? (hashtable-ref table k 'absent) want)
                         (eq? (hashtable-contains? table k) (present? i)))
                    bad
                    (+ bad 1)))))))

(define (all i) #t)
(define (kept i) (not (= (modulo i 3) 0)))

(define (exercise)
  (let* ((table (make-eq-hashtable))
         (keys (fill table key-count)))
    (show 'filled (= (hashtable-count table) key-count) (misses table keys all))
    (collect-minor)
    (show 'after-minor (misses table keys all))
    (collect)
    (show 'after-major (misses table keys all))
    ; delete every third key, with collections in between
    (do ((i 0 (+ i 3))) ((>= i key-count))
      (hashtable-delete! table (vector-ref keys i))
      (garbage 2)
      (if (= (modulo i 300) 0) (collect-minor)))
    (collect)
    (show 'deleted (= (hashtable-count table) (- key-count (quotient (+ key-count 2) 3)))
          (misses table keys kept))
    ; keys made young, inserted, then promoted right away
    (let ((young (make-vector 50 #f)))
      (do ((i 0 (+ i 1))) ((= i 50))
        (vector-set! young i (cons 'young i))
        (hashtable-set! table (vector-ref young i) i))
      (collect-minor)
      (collect-minor)
      (show 'young-promoted (misses table young all)))
    ; the keys and the pairs list what is in the table, each once
    (let ((ks (hashtable-keys table))
          (vs (hashtable-values table))
          (alist (hashtable->alist table)))
      (show 'listed (= (vector-length ks) (hashtable-count table))
            (= (vector-length vs) (hashtable-count table))
            (= (length alist) (hashtable-count table))
            (let loop ((l alist) (ok #t))
              (if (null? l)
                  ok
                  (loop (cdr l) (and ok (eqv? (hashtable-ref table (caar l) 'absent) (cdar l))))))
            (let loop ((i 0) (sum 0))
              (if (= i (vector-length ks))
                  (= sum (apply + (vector->list vs)))
                  (loop (+ i 1) (+ sum (hashtable-ref table (vector-ref ks i) 0)))))))))

(do ((r 0 (+ r 1))) ((= r rounds)) (exercise))

; A table's capacity argument is a hint; it still grows past it.
(define hinted (make-eq-hashtable 4))
(do ((i 0 (+ i 1))) ((= i 100)) (hashtable-set! hinted (cons i i) i))
(define (try thunk)
  (call/cc (lambda (k) (with-exception-handler (lambda (e) (k (error-object-message e))) thunk))))
(show (hashtable-count hinted) (try (lambda () (hashtable-ref 'not-a-table 1 2))))
