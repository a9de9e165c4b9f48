; A symbolic differentiator: expressions are lists built with quasiquote,
; differentiated by the rules of calculus, simplified bottom-up, evaluated
; with flonums in an environment held as an association list. Many small
; lists are made and dropped at every step: the garbage of a typical
; symbolic program. Sizes: small (zeal runs), normal (tests), bench.

(define rounds (case *size* ((small) 1) ((bench) 30) (else 8)))
(define depth (if (eq? *size* 'small) 3 4)) ; derivatives taken

(define (constant? e) (number? e))
(define (variable? e) (symbol? e))
(define (op e) (car e))
(define (arg1 e) (cadr e))
(define (arg2 e) (caddr e))

; Simplification, one node at a time (its arguments already simplified).
(define (make-sum a b)
  (cond ((and (constant? a) (constant? b)) (+ a b))
        ((eqv? a 0) b)
        ((eqv? b 0) a)
        ((equal? a b) (make-product 2 a))
        (else `(+ ,a ,b))))
(define (make-difference a b)
  (cond ((and (constant? a) (constant? b)) (- a b))
        ((eqv? b 0) a)
        ((equal? a b) 0)
        (else `(- ,a ,b))))
(define (make-product a b)
  (cond ((and (constant? a) (constant? b)) (* a b))
        ((or (eqv? a 0) (eqv? b 0)) 0)
        ((eqv? a 1) b)
        ((eqv? b 1) a)
        ((and (constant? b) (not (constant? a))) (make-product b a))
        ((and (constant? a) (pair? b) (eq? (op b) '*) (constant? (arg1 b)))
         (make-product (* a (arg1 b)) (arg2 b)))
        (else `(* ,a ,b))))
(define (make-quotient a b)
  (cond ((eqv? a 0) 0)
        ((eqv? b 1) a)
        (else `(/ ,a ,b))))
(define (make-power base n)
  (cond ((eqv? n 0) 1)
        ((eqv? n 1) base)
        (else `(expt ,base ,n))))

(define (deriv e x)
  (cond ((constant? e) 0)
        ((variable? e) (if (eq? e x) 1 0))
        (else
         (case (op e)
           ((+) (make-sum (deriv (arg1 e) x) (deriv (arg2 e) x)))
           ((-) (make-difference (deriv (arg1 e) x) (deriv (arg2 e) x)))
           ((*) (make-sum (make-product (arg1 e) (deriv (arg2 e) x))
                          (make-product (deriv (arg1 e) x) (arg2 e))))
           ((/) (make-quotient (make-difference (make-product (deriv (arg1 e) x) (arg2 e))
                                                (make-product (arg1 e) (deriv (arg2 e) x)))
                               (make-power (arg2 e) 2)))
           ((expt) (make-product (make-product (arg2 e) (make-power (arg1 e) (- (arg2 e) 1)))
                                 (deriv (arg1 e) x)))
           ((sin) (make-product `(cos ,(arg1 e)) (deriv (arg1 e) x)))
           ((cos) (make-product `(- 0 (sin ,(arg1 e))) (deriv (arg1 e) x)))
           ((exp) (make-product e (deriv (arg1 e) x)))
           ((log) (make-quotient (deriv (arg1 e) x) (arg1 e)))
           (else (error "deriv: unknown operator" (op e)))))))

; Simplify a whole tree, bottom-up.
(define (simplify e)
  (if (pair? e)
      (let ((args (map simplify (cdr e))))
        (case (op e)
          ((+) (make-sum (car args) (cadr args)))
          ((-) (make-difference (car args) (cadr args)))
          ((*) (make-product (car args) (cadr args)))
          ((/) (make-quotient (car args) (cadr args)))
          ((expt) (make-power (car args) (cadr args)))
          (else (cons (op e) args))))
      e))

(define (size e) (if (pair? e) (apply + 1 (map size (cdr e))) 1))

; Evaluation with flonums; variables looked up in an alist.
(define (value e env)
  (cond ((number? e) e)
        ((symbol? e) (cdr (assq e env)))
        (else
         (let ((a (value (arg1 e) env)))
           (case (op e)
             ((sin) (sin a)) ((cos) (cos a)) ((exp) (exp a)) ((log) (log a))
             (else
              (let ((b (value (arg2 e) env)))
                (case (op e)
                  ((+) (+ a b)) ((-) (- a b)) ((*) (* a b)) ((/) (/ a b))
                  ((expt) (expt a b))))))))))

; A rational function of x and y, then its derivatives in x, `depth` deep.
(define f '(/ (+ (* 3 (expt x 4)) (* (* x y) (- x 2))) (+ (* x x) (+ y 1))))
(define (nth-derivatives e x n)
  (let loop ((i 0) (e e) (acc '()))
    (if (= i n) (reverse acc) (let ((d (simplify (deriv e x)))) (loop (+ i 1) d (cons d acc))))))

(define (round-to k v) (/ (round (* v k)) k)) ; printed values independent of the last bits

(define (one-round)
  (let* ((ds (nth-derivatives f 'x depth))
         (points (map (lambda (i) `((x . ,(+ 0.5 (* i 0.25))) (y . ,(- 2.0 (* i 0.5))))) '(0 1 2 3 4 5 6 7)))
         (sums (map (lambda (d) (apply + (map (lambda (env) (value d env)) points))) ds)))
    (list (map size ds) sums)))

(define results (let loop ((i 0) (last #f)) (if (= i rounds) last (loop (+ i 1) (one-round)))))
(display "f = ") (write f) (newline)
(display "df/dx = ") (write (simplify (deriv f 'x))) (newline)
(display "d(sin(x*x))/dx = ") (write (simplify (deriv '(sin (* x x)) 'x))) (newline)
(display "sizes of the derivatives: ") (write (car results)) (newline)
(display "their sums over 8 points: ") (write (map (lambda (v) (round-to 1e6 v)) (cadr results))) (newline)
