;; One output row of dlib's SSE bilinear RGB resize (resize_image, interpolation.h), channels in f32x4 lanes:
;; out = trunc(((wtl*tl + wtr*tr) + wbl*bl) + wbr*br) in float32, the same operations in the same order as
;; dlib's simd4f code, so results are bit-identical. Used by bilinearResizeRgb.ts for the SSE columns.
;; The conversions are the signed ones: every value is in 0..255 (bytes in, convex weights out), where signed and
;; unsigned agree, and x86 has single instructions only for the signed forms (the unsigned ones are emulated by
;; V8 in several; measured: a face's pyramid in 8 ms instead of 15).
;;
;; resizeRow(src, dst, cols, count, top, bottom, tb, invTb):
;;   src + top / src + bottom: the two input rows (byte offsets); dst: count RGB pixels to write;
;;   cols: count records of 16 bytes {leftAt i32, rightAt i32 (byte offsets within a row), lr f32, invLr f32}.
;;   Each pixel is read and written as 4 bytes (the 4th is the next pixel's red, rewritten right after),
;;   so src and dst need one byte of slack at their ends.
(module
  (memory (export "memory") 1)
  (func (export "resizeRow")
    (param $src i32) (param $dst i32) (param $cols i32) (param $count i32)
    (param $top i32) (param $bottom i32) (param $tb f32) (param $invTb f32)
    (local $end i32) (local $left i32) (local $right i32) (local $lr f32) (local $invLr f32) (local $acc v128)
    (local.set $end (i32.add (local.get $cols) (i32.shl (local.get $count) (i32.const 4))))
    (local.set $top (i32.add (local.get $src) (local.get $top)))
    (local.set $bottom (i32.add (local.get $src) (local.get $bottom)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $cols) (local.get $end)))
        (local.set $left (i32.load (local.get $cols)))
        (local.set $right (i32.load offset=4 (local.get $cols)))
        (local.set $lr (f32.load offset=8 (local.get $cols)))
        (local.set $invLr (f32.load offset=12 (local.get $cols)))
        (local.set $acc
          (f32x4.add
            (f32x4.mul (f32x4.splat (f32.mul (local.get $invTb) (local.get $invLr)))
                       (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
                         (v128.load32_zero (i32.add (local.get $top) (local.get $left)))))))
            (f32x4.mul (f32x4.splat (f32.mul (local.get $invTb) (local.get $lr)))
                       (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
                         (v128.load32_zero (i32.add (local.get $top) (local.get $right)))))))))
        (local.set $acc
          (f32x4.add (local.get $acc)
            (f32x4.mul (f32x4.splat (f32.mul (local.get $tb) (local.get $invLr)))
                       (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
                         (v128.load32_zero (i32.add (local.get $bottom) (local.get $left)))))))))
        (local.set $acc
          (f32x4.add (local.get $acc)
            (f32x4.mul (f32x4.splat (f32.mul (local.get $tb) (local.get $lr)))
                       (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
                         (v128.load32_zero (i32.add (local.get $bottom) (local.get $right)))))))))
        (v128.store32_lane 0 (local.get $dst)
          (i8x16.narrow_i16x8_u
            (i16x8.narrow_i32x4_u (i32x4.trunc_sat_f32x4_s (local.get $acc)) (v128.const i32x4 0 0 0 0))
            (v128.const i32x4 0 0 0 0)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 3)))
        (local.set $cols (i32.add (local.get $cols) (i32.const 16)))
        (br $next))))
)
