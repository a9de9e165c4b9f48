; Takeuchi's function, the Gabriel benchmark: deep non-tail recursion with
; three arguments per call.
(define args (case *size* ((small) '(16 10 4)) ((bench) '(24 16 8)) (else '(18 12 6))))
(define (tak x y z)
  (if (not (< y x))
      z
      (tak (tak (- x 1) y z) (tak (- y 1) z x) (tak (- z 1) x y))))
(display "tak") (display args) (display " = ") (display (apply tak args)) (newline)
