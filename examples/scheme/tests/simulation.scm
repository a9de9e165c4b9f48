; A records-based simulation: a bank with a few tellers and a stream of
; customers, run as a discrete-event simulation. Customers, tellers, events
; and the statistics are define-record-type records; the event queue is a
; binary heap in a vector of event records. The tellers and the statistics
; live for the whole run (old after the first collections) and are updated
; with fresh values — flonum averages, customer records — through record
; modifiers, i.e. through the write barrier, at every event.

(define customers (case *size* ((small) 60) ((bench) 30000) (else 2000)))
(define teller-count 3)

(define seed 2024)
(define (random n)
  (set! seed (modulo (+ (* seed 1103515245) 12345) 2147483648))
  (modulo (quotient seed 65536) n))

(define-record-type customer (make-customer id arrival service) customer?
  (id customer-id) (arrival customer-arrival) (service customer-service)
  (start customer-start set-customer-start!))
(define-record-type teller (make-teller id) teller?
  (id teller-id) (current teller-current set-teller-current!)
  (served teller-served set-teller-served!) (busy teller-busy set-teller-busy!))
(define-record-type event (make-event time kind subject) event?
  (time event-time) (kind event-kind) (subject event-subject))
(define-record-type stats (make-stats) stats?
  (waited stats-waited set-stats-waited!) (longest stats-longest set-stats-longest!)
  (mean stats-mean set-stats-mean!) (line stats-line set-stats-line!))

; ---- the event queue: a binary min-heap on time (then insertion order) ------
(define-record-type heap (make-heap items size serial) heap?
  (items heap-items set-heap-items!) (size heap-size set-heap-size!) (serial heap-serial set-heap-serial!))
(define (new-heap) (make-heap (make-vector 16 #f) 0 0))
(define (key e) (event-time (cdr e)))
(define (before? a b) (or (< (key a) (key b)) (and (= (key a) (key b)) (< (car a) (car b)))))
(define (heap-push! h ev)
  (if (= (heap-size h) (vector-length (heap-items h)))
      (let ((bigger (make-vector (* 2 (heap-size h)) #f)))
        (do ((i 0 (+ i 1))) ((= i (heap-size h))) (vector-set! bigger i (vector-ref (heap-items h) i)))
        (set-heap-items! h bigger)))
  (let ((v (heap-items h)) (entry (cons (heap-serial h) ev)))
    (set-heap-serial! h (+ (heap-serial h) 1))
    (let up ((i (heap-size h)))
      (let ((parent (quotient (- i 1) 2)))
        (if (and (> i 0) (before? entry (vector-ref v parent)))
            (begin (vector-set! v i (vector-ref v parent)) (up parent))
            (vector-set! v i entry))))
    (set-heap-size! h (+ (heap-size h) 1))))
(define (heap-pop! h)
  (let* ((v (heap-items h)) (top (vector-ref v 0)) (n (- (heap-size h) 1)) (last (vector-ref v n)))
    (set-heap-size! h n)
    (vector-set! v n #f)
    (if (> n 0)
        (let down ((i 0))
          (let* ((l (+ (* 2 i) 1)) (r (+ l 1))
                 (smallest (if (and (< l n) (before? (vector-ref v l) last)) l i))
                 (smallest (if (and (< r n) (before? (vector-ref v r) (if (= smallest i) last (vector-ref v smallest))))
                               r smallest)))
            (if (= smallest i)
                (vector-set! v i last)
                (begin (vector-set! v i (vector-ref v smallest)) (down smallest))))))
    (cdr top)))

; ---- the bank ---------------------------------------------------------------------
(define tellers (list->vector (map make-teller (iota teller-count))))
(for-each (lambda (t) (set-teller-served! t 0) (set-teller-busy! t 0)) (vector->list tellers))
(define st (make-stats))
(set-stats-waited! st 0) (set-stats-longest! st 0) (set-stats-mean! st 0.0) (set-stats-line! st '())
(define queue (new-heap))

(define (free-teller)
  (let loop ((i 0)) (cond ((= i teller-count) #f) ((teller-current (vector-ref tellers i)) (loop (+ i 1)))
                          (else (vector-ref tellers i)))))

(define (start-service! t c now)
  (set-customer-start! c now)
  (set-teller-current! t c)
  (let ((wait (- now (customer-arrival c))))
    (set-stats-waited! st (+ (stats-waited st) 1))
    (set-stats-longest! st (max (stats-longest st) wait))
    ; a running mean, as a flonum: a new one at every service
    (set-stats-mean! st (+ (stats-mean st) (/ (- wait (stats-mean st)) (stats-waited st)))))
  (set-teller-busy! t (+ (teller-busy t) (customer-service c)))
  (heap-push! queue (make-event (+ now (customer-service c)) 'done t)))

(define (handle! ev)
  (let ((now (event-time ev)))
    (case (event-kind ev)
      ((arrive)
       (let ((c (event-subject ev)) (t (free-teller)))
         (if t (start-service! t c now) (set-stats-line! st (append (stats-line st) (list c))))
         (if (< (customer-id c) (- customers 1))
             (let ((next (+ now 1 (random 7))))
               (heap-push! queue (make-event next 'arrive
                                             (make-customer (+ (customer-id c) 1) next (+ 4 (random 14)))))))))
      ((done)
       (let ((t (event-subject ev)))
         (set-teller-served! t (+ (teller-served t) 1))
         (set-teller-current! t #f)
         (if (pair? (stats-line st))
             (let ((next (car (stats-line st))))
               (set-stats-line! st (cdr (stats-line st)))
               (start-service! t next now))))))
    now))

(heap-push! queue (make-event 0 'arrive (make-customer 0 0 (+ 4 (random 14)))))
(define end-time (let loop ((last 0)) (if (= (heap-size queue) 0) last (loop (handle! (heap-pop! queue))))))

(define (round-to k v) (/ (round (* v k)) k))
(display "customers served: ") (display (stats-waited st))
(display ", per teller: ") (display (map teller-served (vector->list tellers))) (newline)
(display "simulated time: ") (display end-time)
(display ", longest wait: ") (display (stats-longest st))
(display ", mean wait: ") (display (round-to 1000.0 (stats-mean st))) (newline)
(display "teller utilisation: ")
(display (map (lambda (t) (round-to 1000.0 (/ (teller-busy t) (exact->inexact end-time)))) (vector->list tellers)))
(newline)
