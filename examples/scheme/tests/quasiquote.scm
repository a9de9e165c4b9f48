; quasiquote, unquote, unquote-splicing: reader syntax (` , ,@) and the
; long forms, nesting levels, dotted tails, vectors. The evaluator builds
; each list on the VM stack while the unquoted expressions run (and
; allocate); the template and environment are rooted locals.

(define small? (eq? *size* 'small))
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(define x 5)
(define l '(a b c))

(show `(1 ,x ,@l end) `,x `x `() `(,@'() . tail))
(show (quasiquote (1 (unquote (+ x 1)) (unquote-splicing (list 7 8)))))
(show `(a . ,x) `(,@l . ,x) `(1 ,@l) `(,@l) `((,x) (,@l ,x)))
(show `#(1 ,x ,@l) `(v #(,(* x x))) `#())
(show `(1 `(2 ,(3 ,x))) `(1 `(2 ,(3 ,@l))) `(1 `(,@(a ,@l))))
(show '`(a ,b ,@c) ''x)
(show (let ((name 'area) (args '(w h))) `(define (,name ,@args) (* ,@args))))

; Templates in a loop, each evaluation a fresh structure: spliced lists are
; copied, so mutating the result never touches the source.
(define (expand n)
  (let loop ((i 0) (acc '()))
    (if (= i n)
        acc
        (loop (+ i 1) `((item ,i ,@(list (* i i) (make-string 2 #\q)) #(,i)) . ,(if (> (length acc) 5) (cdr acc) acc))))))
(define r (expand (if small? 300 30000)))
(show (length r) (car r))
(define src (list 1 2 3))
(define copy `(,@src 4))
(set-car! copy 'changed)
(show src copy)
