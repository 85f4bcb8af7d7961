(module
  (memory (export "memory") 1)
  (func (export "scan") (param $at i32) (param $len i32) (param $out i32) (result i32)
    (local $end i32) (local $n i32) (local $bits i32) (local $pos i32) (local $h i32)
    (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128) (local $lo2 v128) (local $hi2 v128)
    (local $prev0 v128) (local $prev1 v128) (local $m0 v128) (local $m1 v128) (local $r v128)
    (local $lo v128) (local $hi v128) (local $v v128)
    (local.set $lo0 (v128.load offset=33024 (i32.const 0)))
    (local.set $hi0 (v128.load offset=33040 (i32.const 0)))
    (local.set $lo1 (v128.load offset=33056 (i32.const 0)))
    (local.set $hi1 (v128.load offset=33072 (i32.const 0)))
    (local.set $lo2 (v128.load offset=33088 (i32.const 0)))
    (local.set $hi2 (v128.load offset=33104 (i32.const 0)))
    (local.set $end (i32.add (local.get $at) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $v (v128.load (local.get $at)))
        (local.set $lo (v128.and (local.get $v) (i8x16.splat (i32.const 15))))
        (local.set $hi (i8x16.shr_u (local.get $v) (i32.const 4)))
        (local.set $m0 (v128.and (i8x16.swizzle (local.get $lo0) (local.get $lo)) (i8x16.swizzle (local.get $hi0) (local.get $hi))))
        (local.set $m1 (v128.and (i8x16.swizzle (local.get $lo1) (local.get $lo)) (i8x16.swizzle (local.get $hi1) (local.get $hi))))
        (local.set $r
          (v128.and
            (v128.and
              (i8x16.shuffle 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 (local.get $prev0) (local.get $m0))
              (i8x16.shuffle 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 (local.get $prev1) (local.get $m1)))
            (v128.and (i8x16.swizzle (local.get $lo2) (local.get $lo)) (i8x16.swizzle (local.get $hi2) (local.get $hi)))))
        (local.set $prev0 (local.get $m0))
        (local.set $prev1 (local.get $m1))
        (if (v128.any_true (local.get $r))
          (then
            (local.set $bits (i8x16.bitmask (i8x16.ne (local.get $r) (v128.const i32x4 0 0 0 0))))
            (loop $bit
              (local.set $pos (i32.add (local.get $at) (i32.ctz (local.get $bits))))
              (if (i32.lt_u (local.get $pos) (local.get $end))
                (then
                  (local.set $h
                    (i32.and
                      (i32.or
                        (i32.or
                          (i32.shl (i32.load8_u (i32.load8_u offset=0 (i32.sub (local.get $pos) (i32.const 2)))) (i32.const 10))
                          (i32.shl (i32.load8_u (i32.load8_u offset=0 (i32.sub (local.get $pos) (i32.const 1)))) (i32.const 5)))
                        (i32.load8_u (i32.load8_u (local.get $pos))))
                      (i32.const 32767)))
                  (if (i32.load8_u offset=256 (local.get $h))
                    (then
                      (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (local.get $pos))
                      (local.set $n (i32.add (local.get $n) (i32.const 1)))))))
              (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
              (br_if $bit (local.get $bits)))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next)))
    (local.get $n)))
