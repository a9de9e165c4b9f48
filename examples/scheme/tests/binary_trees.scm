; The binary-trees benchmark (Computer Language Benchmarks Game), ported:
; many short-lived trees, one long-lived tree, a stretch tree.
(define max-depth-arg (case *size* ((small) 8) ((bench) 14) (else 12)))

(define (make-tree d)
  (if (= d 0)
      (cons '() '())
      (let ((d (- d 1)))
        (cons (make-tree d) (make-tree d)))))

(define (check t)
  (if (null? (car t))
      1
      (+ 1 (check (car t)) (check (cdr t)))))

(define (print . items) (for-each display items) (newline))

(define (main n)
  (let* ((min-depth 4)
         (max-depth (max (+ min-depth 2) n))
         (stretch-depth (+ max-depth 1)))
    (print "stretch tree of depth " stretch-depth "\t check: " (check (make-tree stretch-depth)))
    (let ((long-lived (make-tree max-depth)))
      (do ((d min-depth (+ d 2))) ((> d max-depth))
        (let ((iterations (expt 2 (+ (- max-depth d) min-depth))))
          (let loop ((i 0) (sum 0))
            (if (< i iterations)
                (loop (+ i 1) (+ sum (check (make-tree d))))
                (print iterations "\t trees of depth " d "\t check: " sum)))))
      (print "long lived tree of depth " max-depth "\t check: " (check long-lived)))))

(main max-depth-arg)
