; Guardians, in the style of Chez Scheme: (define g (make-guardian)),
; (g obj) registers obj, (g) returns an object registered with g that a
; collection found unreachable, or #f. The collection keeps such an object
; (and all it references) alive for g, oldest first; once returned it is an
; ordinary object again. Weak boxes and ephemerons are judged before
; guardians keep anything alive.

(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (try thunk)
  (call/cc (lambda (k) (with-exception-handler (lambda (e) (k (error-object-message e))) thunk))))
; Every object g returns now, oldest first.
(define (drain g)
  (let loop ((acc '()))
    (let ((x (g)))
      (if x (loop (cons x acc)) (reverse acc)))))

(define g (make-guardian))
(show (guardian? g) (guardian? car) (procedure? g) g (g))

; An object still referenced is not returned; once dropped, it is, itself,
; with what it references.
(define x (list 'x (vector 1 2) "three"))
(g x)
(collect)
(show 'referenced (g))
(define x-box (make-weak-box x))
(set! x #f)
(collect)
(define back (g))
(show 'returned back (g))
; The weak box to it was cleared before the guardian kept it: no weak
; reference ever yields an object a guardian queued.
(show 'weak-box-cleared (weak-box-value x-box 'gone))
; Returned, it is an ordinary object: dropped again, it is gone for good.
(define back-box (make-weak-box back))
(set! back #f)
(collect)
(show 'gone-for-good (weak-box-value back-box 'gone) (g))

; A young object is found dead by a minor collection.
(g (list 'young))
(collect 'minor)
(show 'young (drain g))

; Registered twice, returned twice; several objects, in the order found.
(define twice (list 'twice))
(g twice)
(g twice)
(set! twice #f)
(collect)
(let ((got (drain g)))
  (show 'twice got (eq? (car got) (cadr got))))

; Immediates are never collected: registering one does nothing.
(g 42)
(g #\a)
(collect)
(show 'immediates (g))

; Ordering: an ephemeron keyed by an object the guardian keeps is broken,
; but weak boxes and ephemerons reachable only from the kept object are
; judged after it was kept, so what it references survives in them.
(define eph #f)
(let* ((inner (list 'inner))
       (outer (vector inner (make-weak-box inner) (make-ephemeron inner 'inner-value))))
  (g outer)
  (set! eph (make-ephemeron outer 'outer-value)))
(collect)
(let ((outer (g)))
  (show 'ordering (ephemeron-broken? eph) (ephemeron-value eph)
        (eq? (weak-box-value (vector-ref outer 1)) (vector-ref outer 0))
        (eq? (ephemeron-key (vector-ref outer 2)) (vector-ref outer 0))
        (ephemeron-value (vector-ref outer 2))))

; Objects stay queued, alive, until taken, across any number of collections.
(define (register-many g n)
  (do ((i 0 (+ i 1))) ((= i n)) (g (cons i (make-vector 3 i)))))
(register-many g 500)
(collect 'minor)
(collect)
(collect)
(let ((got (drain g)))
  (show 'queued (length got)
        (apply + (map car got))
        (let loop ((l got) (ok #t))
          (if (null? l) ok (loop (cdr l) (and ok (equal? (cdr (car l)) (make-vector 3 (car (car l))))))))))

; Two guardians are independent; an object registered with both is
; returned by each.
(define h (make-guardian))
(define both (list 'both))
(g both)
(h both)
(h (list 'only-h))
(set! both #f)
(collect)
(let ((from-g (drain g)) (from-h (drain h)))
  (show 'two-guardians from-g (length from-h) (and (memq (car from-g) from-h) #t)))

; A guardian nobody references is collected with its registrations (a
; cleanup hook frees Grove's guardian): many come and go in a flat heap.
(collect)
(define live-before (gc-stat 'live-bytes))
(do ((i 0 (+ i 1))) ((= i 3000))
  (let ((tmp (make-guardian)))
    (tmp (list i))
    (tmp (make-vector 10 i))
    (if (= (modulo i 500) 0) (collect 'minor))))
(collect)
(collect)
(show 'guardians-collected (< (- (gc-stat 'live-bytes) live-before) 100000))
; A guardian kept alive only by another guardian's queue still works.
(define outer-g (make-guardian))
(let ((inner-g (make-guardian)))
  (inner-g (list 'guarded-by-inner))
  (outer-g inner-g))
(collect)
(let ((inner-g (outer-g)))
  (show 'guardian-of-guardian (guardian? inner-g) (inner-g) (inner-g)))

(show 'arity (try (lambda () (g 1 2))) (try (lambda () (make-guardian 1))))
