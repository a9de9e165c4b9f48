; define-record-type: the type is a Grove RECORD object of its own, each
; instance an ARRAY {type, fields...}. Constructors, predicates, accessors
; and modifiers are closures the form expands into. Modifiers store with
; the write barrier: records promoted by a collection then receive young
; values.

(define small? (eq? *size* 'small))
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define (try thunk)
  (call/cc (lambda (k) (with-exception-handler (lambda (e) (k (error-object-message e))) thunk))))

(define-record-type point (make-point x y) point? (x point-x set-point-x!) (y point-y set-point-y!))
(define p (make-point 3 4))
(show (point? p) (point? 5) (point? (vector 3 4)) (point-x p) (point-y p))
(set-point-x! p 10)
(show (point-x p) p point)

; Field order in the constructor differs from the declaration; a field the
; constructor does not take starts as #f; a type with no fields; no
; constructor; a bare-name constructor that takes every field.
(define-record-type <node> (make-node value next) node? (next node-next set-node-next!) (value node-value) (mark node-mark set-node-mark!))
(define n (make-node 'v '()))
(show (node-value n) (node-next n) (node-mark n))
(define-record-type empty (make-empty) empty?)
(show (empty? (make-empty)) (empty? n) (make-empty))
(define-record-type pair3 kons pair3? (a kar) (b kdr))
(show (kar (kons 1 2)) (kdr (kons 1 2)))
(define-record-type abstract #f abstract?)
(show (abstract? p))

; Distinct types never match, even with the same shape.
(define-record-type other (make-other x y) other? (x other-x) (y other-y))
(show (other? p) (point? (make-other 1 2)) (try (lambda () (point-x (make-other 1 2)))))
(show (try (lambda () (point-x 'nope))) (try (lambda () (set-point-y! '() 1))))
(show (equal? (make-point 1 2) (make-point 1 2)) (eqv? p p))

; Inside a body the definitions are local.
(define (local-records)
  (define-record-type cell (make-cell v) cell? (v cell-v))
  (cell-v (make-cell 'local)))
(show (local-records))

; A linked list of records, built, promoted, then mutated with young
; values (the barrier), then walked after more collections.
(define (build k)
  (let loop ((i 0) (head '()))
    (if (= i k) head (loop (+ i 1) (make-node i head)))))
(define chain (build (if small? 300 20000)))
(collect)
(let loop ((c chain))
  (if (node? c)
      (begin (set-node-mark! c (list (node-value c) (make-string 2 #\m))) (loop (node-next c)))))
(collect-minor)
(define (sum-marks c acc) (if (node? c) (sum-marks (node-next c) (+ acc (car (node-mark c)))) acc))
(show (sum-marks chain 0) (node-mark chain))

; Records of flonums updated in place: each update stores a fresh flonum.
(define-record-type body (make-body pos vel) body? (pos body-pos set-body-pos!) (vel body-vel set-body-vel!))
(define bodies (map (lambda (i) (make-body (* i 1.0) 0.5)) '(0 1 2 3 4)))
(collect)
(do ((step 0 (+ step 1))) ((= step (if small? 50 5000)))
  (for-each (lambda (b) (set-body-pos! b (+ (body-pos b) (body-vel b)))) bodies))
(show (map body-pos bodies))
