; List sorting: merge sort, quicksort and insertion sort over pseudo-random
; data, with comparison procedures passed as closures.

(define n (if (eq? *size* 'small) 400 10000))

(define (random-list k seed)
  (let loop ((i 0) (x seed) (acc '()))
    (if (= i k)
        acc
        (let ((next (modulo (+ (* x 1103515245) 12345) 2147483648)))
          (loop (+ i 1) next (cons (modulo next 100000) acc))))))

(define (split l)
  (if (or (null? l) (null? (cdr l)))
      (cons l '())
      (let ((rest (split (cddr l))))
        (cons (cons (car l) (car rest)) (cons (cadr l) (cdr rest))))))

(define (merge a b less?)
  ; iterative merge: accumulate in reverse, then reverse
  (let loop ((a a) (b b) (acc '()))
    (cond ((null? a) (append (reverse acc) b))
          ((null? b) (append (reverse acc) a))
          ((less? (car b) (car a)) (loop a (cdr b) (cons (car b) acc)))
          (else (loop (cdr a) b (cons (car a) acc))))))

(define (merge-sort l less?)
  (if (or (null? l) (null? (cdr l)))
      l
      (let ((halves (split l)))
        (merge (merge-sort (car halves) less?) (merge-sort (cdr halves) less?) less?))))

(define (quicksort l less?)
  (if (null? l)
      '()
      (let ((pivot (car l)))
        (append (quicksort (filter (lambda (x) (less? x pivot)) (cdr l)) less?)
                (list pivot)
                (quicksort (filter (lambda (x) (not (less? x pivot))) (cdr l)) less?)))))

(define (insert x sorted less?)
  (cond ((null? sorted) (list x))
        ((less? x (car sorted)) (cons x sorted))
        (else (cons (car sorted) (insert x (cdr sorted) less?)))))
(define (insertion-sort l less?)
  (fold-left (lambda (acc x) (insert x acc less?)) '() l))

(define (sorted? l less?)
  (or (null? l) (null? (cdr l))
      (and (not (less? (cadr l) (car l))) (sorted? (cdr l) less?))))

(define data (random-list n 42))
(define ms (merge-sort data <))
(define qs (quicksort data <))
(display (list (length ms) (sorted? ms <) (equal? ms qs))) (newline)
(display (list (car ms) (list-ref ms (quotient n 2)) (car (last-pair ms)))) (newline)
(display (equal? (merge-sort data >) (reverse ms))) (newline)

(define few (random-list (if (eq? *size* 'small) 60 300) 7))
(display (equal? (insertion-sort few <) (merge-sort few <))) (newline)

(define names '("pear" "apple" "fig" "banana" "cherry" "date" "elderberry"))
(display (merge-sort names string<?)) (newline)
(display (merge-sort names (lambda (a b) (< (string-length a) (string-length b))))) (newline)

; Sorting records by key.
(define recs (map (lambda (i) (cons (modulo i 3) i)) (iota 10)))
(display (merge-sort recs (lambda (a b) (< (car a) (car b))))) (newline)
