; Weak hashtables (Chez Scheme's make-weak-eq-hashtable and
; make-weak-eqv-hashtable): every entry is an ephemeron, so it keeps its
; value only while something else keeps its key, and the collection that
; finds the key dead removes the entry: the count shrinks, lookups miss,
; the listings leave it out. The usual hashtable primitives work on them.

(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (try thunk)
  (call/cc (lambda (k) (with-exception-handler (lambda (e) (k (error-object-message e))) thunk))))

(define t (make-weak-eq-hashtable))
(show (hashtable? t) (hashtable-weak? t) (hashtable-weak? (make-eq-hashtable))
      (hashtable-weak? (make-weak-eqv-hashtable 16)) (hashtable-count t) t)

; ---- entries vanish when their keys die ----
(define n 1000)
(define keys (make-vector n #f))
(do ((i 0 (+ i 1))) ((= i n))
  (let ((k (list 'key i)))
    (vector-set! keys i k)
    (hashtable-set! t k i)))
(show 'filled (hashtable-count t))
(collect)
(show 'all-kept (hashtable-count t))
(do ((i 1 (+ i 2))) ((>= i n)) (vector-set! keys i #f)) ; drop the odd keys
(collect)
(show 'odd-dropped (hashtable-count t) (vector-length (hashtable-keys t))
      (vector-length (hashtable-values t)) (length (hashtable->alist t)))
; What is left is exactly the even keys, each with its value.
(define (misses)
  (let loop ((i 0) (bad 0))
    (if (= i n)
        bad
        (loop (+ i 2) (if (eqv? (hashtable-ref t (vector-ref keys i) 'absent) i) bad (+ bad 1))))))
(show 'lookups (misses)
      (let loop ((l (hashtable->alist t)) (ok #t))
        (if (null? l)
            ok
            (loop (cdr l) (and ok (even? (cdar l)) (equal? (caar l) (list 'key (cdar l))))))))

; The usual updates, after collections broke entries.
(hashtable-set! t (vector-ref keys 0) 'zero)
(hashtable-delete! t (vector-ref keys 2))
(show 'updated (hashtable-ref t (vector-ref keys 0) #f) (hashtable-contains? t (vector-ref keys 2))
      (hashtable-count t))

; A young key found dead by a minor collection.
(define count-before (hashtable-count t))
(hashtable-set! t (list 'young) 'young-value)
(collect 'minor)
(show 'young (= (hashtable-count t) count-before))

; ---- ephemeron semantics: a value that refers to its key does not keep
; the key alive, and a value is alive while its key is ----
(define e (make-weak-eq-hashtable))
(let ((k (vector 'self)))
  (hashtable-set! e k (list k 'refers-to-its-key)))
(define kept-key (list 'kept))
(define value-box #f)
(let ((v (list 'only-in-the-table)))
  (hashtable-set! e kept-key v)
  (set! value-box (make-weak-box v)))
(collect)
(show 'ephemerons (hashtable-count e) (hashtable-ref e kept-key #f) (weak-box-value value-box 'gone))
(set! kept-key #f)
(collect)
(show 'value-freed (hashtable-count e) (weak-box-value value-box 'gone))

; ---- immediate keys never die; a strong table keeps its keys ----
(define mixed (make-weak-eq-hashtable))
(define strong (make-eq-hashtable))
(do ((i 0 (+ i 1))) ((= i 100))
  (hashtable-set! mixed i (list i))
  (hashtable-set! mixed (list i) i)
  (hashtable-set! strong (list i) i))
(collect)
(show 'immediates (hashtable-count mixed) (hashtable-ref mixed 7 #f) (hashtable-count strong))

; ---- eqv: a flonum key is found by an eqv? flonum while it lives ----
(define v (make-weak-eqv-hashtable))
(define pi-key (* 4 (atan 1)))
(hashtable-set! v pi-key 'pi)
(hashtable-set! v (/ 1.0 2) 'half)
(hashtable-set! v #\c 'char)
(collect)
(show 'eqv (hashtable-ref v (* 4 (atan 1)) #f) (hashtable-ref v 0.5 #f) (hashtable-ref v #\c #f)
      (hashtable-count v))

; ---- a table through which many short-lived keys pass stays small ----
(define churn (make-weak-eq-hashtable))
(define anchors (make-vector 10 #f))
(do ((i 0 (+ i 1))) ((= i 10))
  (vector-set! anchors i (vector i))
  (hashtable-set! churn (vector-ref anchors i) i))
(collect)
(define live-before (gc-stat 'live-bytes))
(do ((i 0 (+ i 1))) ((= i 50000))
  (hashtable-set! churn (cons i i) i)
  (if (= (modulo i 1000) 999) (collect 'minor)))
(collect)
(define churn-count (hashtable-count churn)) ; prunes the entries the collection broke
(collect) ; which frees them
(show 'churn churn-count (vector-length (hashtable-keys churn))
      (< (- (gc-stat 'live-bytes) live-before) 100000)
      (let loop ((i 0) (ok #t))
        (if (= i 10) ok (loop (+ i 1) (and ok (eqv? (hashtable-ref churn (vector-ref anchors i) #f) i))))))

(show (try (lambda () (hashtable-weak? 'no))) (try (lambda () (make-weak-eq-hashtable 'big))))
