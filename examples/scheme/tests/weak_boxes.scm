; Weak boxes and ephemerons, on Grove's GROVE_LAYOUT_WEAK_BOX and
; GROVE_LAYOUT_EPHEMERON types. A weak box's value and an ephemeron's key
; and value read #f once the collection that found the target (the key)
; dead has run: a minor collection for a young one, a major for an old one.
; While alive the target is the same object (eq?), wherever it moved.

(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (try thunk)
  (call/cc (lambda (k) (with-exception-handler (lambda (e) (k (error-object-message e))) thunk))))
; An old object nothing references survives minor collections until a
; major one runs. In the zeal runs one may run at any allocation: the check
; that it survived is void once one has run since `before` was read.
(define (majors) (gc-stat 'major-collections))
(define (survived-minor? alive before) (if (or alive (> (majors) before)) #t #f))

; ---- weak boxes ----
(define target (list 'a 'b))
(define wb (make-weak-box target))
(show (weak-box? wb) (weak-box? target) (weak-box? (vector)) wb)
(show (eq? (weak-box-value wb) target))
(collect 'minor) ; target moves out of the nursery: the box follows it
(show 'moved (eq? (weak-box-value wb) target) (weak-box-value wb))
(define before (majors))
(set! target #f)
(collect 'minor) ; target is old now: a minor collection never clears it
(show 'old-after-minor (survived-minor? (weak-box-value wb) before))
(collect 'major)
(show 'old-after-major (weak-box-value wb) (weak-box-value wb 'gone))

; A young target dies at the next minor collection.
(define young (make-weak-box (vector 1 2 3)))
(collect 'minor)
(show 'young (weak-box-value young 'gone))

; Immediates are never collected; a default tells a box of #f from a
; cleared one.
(define fix (make-weak-box 42))
(define chr (make-weak-box #\x))
(define fls (make-weak-box #f))
(collect)
(show 'immediates (weak-box-value fix) (weak-box-value chr) (weak-box-value fls 'gone))

; A box is weak only in its own slot: an object reachable through a strong
; path stays, one reachable only through weak boxes goes.
(define holder (vector (list 'held)))
(define held (make-weak-box (vector-ref holder 0)))
(define chain (make-weak-box (make-weak-box (list 'inner))))
(collect)
(show 'held (weak-box-value held) (weak-box-value chain 'gone))

; Many boxes, half of whose targets are kept, collections in between.
(define n 2000)
(define kept (make-vector n #f))
(define boxes (make-vector n #f))
(do ((i 0 (+ i 1))) ((= i n))
  (let ((t (cons i i)))
    (if (even? i) (vector-set! kept i t))
    (vector-set! boxes i (make-weak-box t))
    (if (= (modulo i 300) 299) (collect 'minor))))
(collect)
(define (count-boxes pred)
  (let loop ((i 0) (c 0))
    (if (= i n) c (loop (+ i 1) (if (pred i (weak-box-value (vector-ref boxes i))) (+ c 1) c)))))
(show 'many (count-boxes (lambda (i v) (and (even? i) (eq? v (vector-ref kept i)))))
      (count-boxes (lambda (i v) (and (odd? i) (not v)))))

; ---- ephemerons ----
(define key (list 'key))
(define eph (make-ephemeron key (list 'value)))
(show (ephemeron? eph) (ephemeron? wb) (ephemeron? key) eph)
(collect)
(show 'alive (eq? (ephemeron-key eph) key) (ephemeron-value eph) (ephemeron-broken? eph))
; The value is kept alive by the ephemeron while its key lives, even with
; no other reference to it.
(define value-box (make-weak-box (ephemeron-value eph)))
(collect)
(show 'value-kept (weak-box-value value-box))
(set! key #f)
(collect)
(show 'broken (ephemeron-key eph) (ephemeron-value eph) (ephemeron-broken? eph)
      (weak-box-value value-box 'gone))

; A value that refers to its own key does not keep the key alive.
(define self-key (vector 'self))
(define self (make-ephemeron self-key (list self-key 'and-more)))
(collect 'minor)
(show 'self-alive (eq? (car (ephemeron-value self)) self-key))
(set! self-key #f)
(collect)
(show 'self-broken (ephemeron-broken? self) (ephemeron-value self))

; A chain: a's value is b's key, b's value is c's key. Only a is held, so
; the whole chain lives; a dropped, every link breaks.
(define a (list 'a))
(define e-a #f)
(define e-b #f)
(define e-c #f)
(let ((b (list 'b)) (c (list 'c)))
  (set! e-c (make-ephemeron c 'end))
  (set! e-b (make-ephemeron b c))
  (set! e-a (make-ephemeron a b)))
(collect)
(show 'chain (ephemeron-broken? e-a) (ephemeron-broken? e-b) (ephemeron-broken? e-c)
      (ephemeron-value e-c))
(set! a #f)
(collect)
(show 'chain-dropped (ephemeron-broken? e-a) (ephemeron-broken? e-b) (ephemeron-broken? e-c))

; An old key is judged by a major collection only; an immediate key never
; dies, so its value is strong.
(define old-key (list 'old))
(define old-eph (make-ephemeron old-key (list 'old-value)))
(collect 'minor)
(set! before (majors))
(set! old-key #f)
(collect 'minor)
(show 'old-key-minor (survived-minor? (not (ephemeron-broken? old-eph)) before))
(collect 'major)
(show 'old-key-major (ephemeron-broken? old-eph) (ephemeron-value old-eph))
(define imm (make-ephemeron 7 (list 'seven)))
(collect)
(show 'immediate-key (ephemeron-key imm) (ephemeron-value imm))

(show (try (lambda () (weak-box-value 5))) (try (lambda () (ephemeron-key wb)))
      (try (lambda () (make-ephemeron 1))))
