;; Optimizer kernels (WebAssembly SIMD) over float32 arrays in an imported memory: AdamW, the EMA update and the
;; sum of squares for gradient clipping. Assembled into optimizerKernelsWasm.ts by scripts/buildWasm.mjs.
(module
  (import "env" "memory" (memory 1))
  ;; p, m, v updated in place from g (byte offsets, n elements). Every operation is a float32 operation in the order
  ;; of PyTorch 1.13's single-tensor AdamW (mul_, add_, addcmul_, sqrt, div, add_, addcdiv_), so results are the
  ;; same bit for bit; four lanes at a time, then a scalar tail.
  (func (export "adamw") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
        (param $decay f32) (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
        (param $bc2 f32) (param $eps f32) (param $step f32) (param $scale f32) (param $scaled i32)
    (local $i i32) (local $n4 i32) (local $o i32)
    (local $gi v128) (local $mi v128) (local $vi v128) (local $den v128)
    (local $gs f32) (local $ms f32) (local $vs f32) (local $ds f32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done4 (loop $l4
      (br_if $done4 (i32.ge_u (local.get $i) (local.get $n4)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $gi (v128.load (i32.add (local.get $g) (local.get $o))))
      (if (local.get $scaled) (then (local.set $gi (f32x4.mul (local.get $gi) (f32x4.splat (local.get $scale))))))
      (local.set $mi (f32x4.add
        (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $o))) (f32x4.splat (local.get $b1)))
        (f32x4.mul (local.get $gi) (f32x4.splat (local.get $c1)))))
      (local.set $vi (f32x4.add
        (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $o))) (f32x4.splat (local.get $b2)))
        (f32x4.mul (f32x4.mul (local.get $gi) (local.get $gi)) (f32x4.splat (local.get $c2)))))
      (local.set $den (f32x4.add (f32x4.div (f32x4.sqrt (local.get $vi)) (f32x4.splat (local.get $bc2))) (f32x4.splat (local.get $eps))))
      (v128.store (i32.add (local.get $p) (local.get $o))
        (f32x4.sub
          (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $o))) (f32x4.splat (local.get $decay)))
          (f32x4.mul (f32x4.splat (local.get $step)) (f32x4.div (local.get $mi) (local.get $den)))))
      (v128.store (i32.add (local.get $m) (local.get $o)) (local.get $mi))
      (v128.store (i32.add (local.get $v) (local.get $o)) (local.get $vi))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l4)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $gs (f32.load (i32.add (local.get $g) (local.get $o))))
      (if (local.get $scaled) (then (local.set $gs (f32.mul (local.get $gs) (local.get $scale)))))
      (local.set $ms (f32.add (f32.mul (f32.load (i32.add (local.get $m) (local.get $o))) (local.get $b1)) (f32.mul (local.get $gs) (local.get $c1))))
      (local.set $vs (f32.add (f32.mul (f32.load (i32.add (local.get $v) (local.get $o))) (local.get $b2)) (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $c2))))
      (local.set $ds (f32.add (f32.div (f32.sqrt (local.get $vs)) (local.get $bc2)) (local.get $eps)))
      (f32.store (i32.add (local.get $p) (local.get $o))
        (f32.sub (f32.mul (f32.load (i32.add (local.get $p) (local.get $o))) (local.get $decay))
                 (f32.mul (local.get $step) (f32.div (local.get $ms) (local.get $ds)))))
      (f32.store (i32.add (local.get $m) (local.get $o)) (local.get $ms))
      (f32.store (i32.add (local.get $v) (local.get $o)) (local.get $vs))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
  )

  ;; t <- t*m + s*om (the official mul_(m).add_((1 - m) * s)), float32 operations, in place on t
  (func (export "ema") (param $t i32) (param $s i32) (param $n i32) (param $m f32) (param $om f32)
    (local $i i32) (local $n4 i32) (local $o i32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done4 (loop $l4
      (br_if $done4 (i32.ge_u (local.get $i) (local.get $n4)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (v128.store (i32.add (local.get $t) (local.get $o))
        (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $t) (local.get $o))) (f32x4.splat (local.get $m)))
          (f32x4.mul (v128.load (i32.add (local.get $s) (local.get $o))) (f32x4.splat (local.get $om)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l4)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (f32.store (i32.add (local.get $t) (local.get $o))
        (f32.add
          (f32.mul (f32.load (i32.add (local.get $t) (local.get $o))) (local.get $m))
          (f32.mul (f32.load (i32.add (local.get $s) (local.get $o))) (local.get $om))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
  )

  ;; sum of g*g in float64 (squares of float32 values are exact in float64), two lanes, then the tail
  (func (export "sumsq") (param $g i32) (param $n i32) (result f64)
    (local $i i32) (local $n4 i32) (local $o i32) (local $acc v128) (local $x v128) (local $s f64) (local $y f64)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done4 (loop $l4
      (br_if $done4 (i32.ge_u (local.get $i) (local.get $n4)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $x (v128.load (i32.add (local.get $g) (local.get $o))))
      (local.set $acc (f64x2.add (local.get $acc)
        (f64x2.add
          (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (f64x2.promote_low_f32x4 (local.get $x)))
          (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))
                     (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l4)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $y (f64.promote_f32 (f32.load (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $s (f64.add (local.get $s) (f64.mul (local.get $y) (local.get $y))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $s)
  )
)
