// RUN: logbtq-opt %s -split-input-file -logbtq-lookups-to-permutes | FileCheck %s

// A 100-entry f32 table: padded with zeros to 128 entries in eight 16-lane
// constants; each pair is permuted by the index's low five bits, bit 5
// chooses between pairs 0/1 and 2/3, bit 6 between the halves.
// CHECK-LABEL: func.func @f32_table
//  CHECK-SAME:   (%[[IDX:.+]]: vector<16xindex>)
//       CHECK:   %[[I:.+]] = arith.index_cast %[[IDX]] : vector<16xindex> to vector<16xi32>
//   CHECK-DAG:   %[[C0:.+]] = arith.constant dense<[0.000000e+00, 1.000000e+00, {{.+}}, 1.500000e+01]> : vector<16xf32>
//   CHECK-DAG:   %[[C1:.+]] = arith.constant dense<[1.600000e+01, {{.+}}, 3.100000e+01]> : vector<16xf32>
//   CHECK-DAG:   %[[C6:.+]] = arith.constant dense<[9.600000e+01, 9.700000e+01, 9.800000e+01, 9.900000e+01, 0.000000e+00, {{.+}}]> : vector<16xf32>
//   CHECK-DAG:   %[[C7:.+]] = arith.constant dense<0.000000e+00> : vector<16xf32>
//   CHECK-DAG:   %[[B6:.+]] = arith.constant dense<64> : vector<16xi32>
//       CHECK:   %[[HI:.+]] = arith.andi %[[I]], %[[B6]]
//       CHECK:   %[[UPPER:.+]] = arith.cmpi ne, %[[HI]]
//       CHECK:   %[[P3:.+]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.ps.512"(%[[C6]], %[[I]], %[[C7]]) : (vector<16xf32>, vector<16xi32>, vector<16xf32>) -> vector<16xf32>
//       CHECK:   %[[P0:.+]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.ps.512"(%[[C0]], %[[I]], %[[C1]])
//       CHECK:   %[[LOW:.+]] = arith.select
//       CHECK:   %[[R:.+]] = arith.select %[[UPPER]], %{{.+}}, %[[LOW]] : vector<16xi1>, vector<16xf32>
//   CHECK-NOT:   vector.gather
//       CHECK:   return %[[R]]
func.func @f32_table(%idx: vector<16xindex>) -> vector<16xf32> {
  %table = arith.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0, 65.0, 66.0, 67.0, 68.0, 69.0, 70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 79.0, 80.0, 81.0, 82.0, 83.0, 84.0, 85.0, 86.0, 87.0, 88.0, 89.0, 90.0, 91.0, 92.0, 93.0, 94.0, 95.0, 96.0, 97.0, 98.0, 99.0]> : tensor<100xf32>
  %c0 = arith.constant 0 : index
  %mask = arith.constant dense<true> : vector<16xi1>
  %pass = arith.constant dense<0.0> : vector<16xf32>
  %r = vector.gather %table[%c0] [%idx], %mask, %pass : tensor<100xf32>, vector<16xindex>, vector<16xi1>, vector<16xf32> into vector<16xf32>
  return %r : vector<16xf32>
}

// -----

// A 256-entry i32 table read through a constant global (what bufferization
// makes of the constant), with a 2-D index vector: eight vpermi2d, three
// levels of selects (bits 5, 6, 7), the result shaped back.
// CHECK-LABEL: func.func @i32_global
//       CHECK:   %[[FLAT:.+]] = vector.shape_cast %{{.+}} : vector<1x16xindex> to vector<16xindex>
//       CHECK:   %[[I:.+]] = arith.index_cast %[[FLAT]] : vector<16xindex> to vector<16xi32>
//   CHECK-DAG:   arith.constant dense<128> : vector<16xi32>
//   CHECK-DAG:   arith.constant dense<64> : vector<16xi32>
//   CHECK-DAG:   arith.constant dense<32> : vector<16xi32>
//   CHECK-COUNT-8:   llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.d.512"({{.+}}, %[[I]], {{.+}}) : (vector<16xi32>, vector<16xi32>, vector<16xi32>) -> vector<16xi32>
//   CHECK-NOT:   vector.gather
//       CHECK:   vector.shape_cast %{{.+}} : vector<16xi32> to vector<1x16xi32>
memref.global "private" constant @table : memref<256xi32> = dense<[0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57, 60, 63, 66, 69, 72, 75, 78, 81, 84, 87, 90, 93, 96, 99, 102, 105, 108, 111, 114, 117, 120, 123, 126, 129, 132, 135, 138, 141, 144, 147, 150, 153, 156, 159, 162, 165, 168, 171, 174, 177, 180, 183, 186, 189, 192, 195, 198, 201, 204, 207, 210, 213, 216, 219, 222, 225, 228, 231, 234, 237, 240, 243, 246, 249, 252, 255, 258, 261, 264, 267, 270, 273, 276, 279, 282, 285, 288, 291, 294, 297, 300, 303, 306, 309, 312, 315, 318, 321, 324, 327, 330, 333, 336, 339, 342, 345, 348, 351, 354, 357, 360, 363, 366, 369, 372, 375, 378, 381, 384, 387, 390, 393, 396, 399, 402, 405, 408, 411, 414, 417, 420, 423, 426, 429, 432, 435, 438, 441, 444, 447, 450, 453, 456, 459, 462, 465, 468, 471, 474, 477, 480, 483, 486, 489, 492, 495, 498, 501, 504, 507, 510, 513, 516, 519, 522, 525, 528, 531, 534, 537, 540, 543, 546, 549, 552, 555, 558, 561, 564, 567, 570, 573, 576, 579, 582, 585, 588, 591, 594, 597, 600, 603, 606, 609, 612, 615, 618, 621, 624, 627, 630, 633, 636, 639, 642, 645, 648, 651, 654, 657, 660, 663, 666, 669, 672, 675, 678, 681, 684, 687, 690, 693, 696, 699, 702, 705, 708, 711, 714, 717, 720, 723, 726, 729, 732, 735, 738, 741, 744, 747, 750, 753, 756, 759, 762, 765]>
func.func @i32_global(%idx: vector<1x16xindex>) -> vector<1x16xi32> {
  %table = memref.get_global @table : memref<256xi32>
  %c0 = arith.constant 0 : index
  %mask = arith.constant dense<true> : vector<1x16xi1>
  %pass = arith.constant dense<0> : vector<1x16xi32>
  %r = vector.gather %table[%c0] [%idx], %mask, %pass : memref<256xi32>, vector<1x16xindex>, vector<1x16xi1>, vector<1x16xi32> into vector<1x16xi32>
  return %r : vector<1x16xi32>
}

// -----

// A gather with a mask keeps the pass-through lanes the mask leaves off.
// CHECK-LABEL: func.func @masked
//  CHECK-SAME:   (%[[IDX:.+]]: vector<16xi32>, %[[MASK:.+]]: vector<16xi1>, %[[PASS:.+]]: vector<16xf32>)
//       CHECK:   %[[P:.+]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.ps.512"(%{{.+}}, %[[IDX]], %{{.+}})
//       CHECK:   %[[R:.+]] = arith.select %[[MASK]], %[[P]], %[[PASS]] : vector<16xi1>, vector<16xf32>
//       CHECK:   return %[[R]]
func.func @masked(%idx: vector<16xi32>, %mask: vector<16xi1>, %pass: vector<16xf32>) -> vector<16xf32> {
  %table = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %c0 = arith.constant 0 : index
  %r = vector.gather %table[%c0] [%idx], %mask, %pass : tensor<4xf32>, vector<16xi32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
  return %r : vector<16xf32>
}

// -----

// Left alone: a table beyond 256 entries, one that is not a constant, an
// f64 table, a gather of 8 lanes, a gather at a nonzero offset.
// CHECK-LABEL: func.func @not_converted
//   CHECK-NOT:   llvm.call_intrinsic
//   CHECK-COUNT-5:   vector.gather
func.func @not_converted(%idx: vector<16xindex>, %idx8: vector<8xindex>, %t: tensor<16xf32>, %off: index)
    -> (vector<16xi32>, vector<16xf32>, vector<16xf64>, vector<8xf32>, vector<16xf32>) {
  %big = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299]> : tensor<300xi32>
  %f64 = arith.constant dense<[1.0, 2.0]> : tensor<2xf64>
  %small = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %c0 = arith.constant 0 : index
  %m = arith.constant dense<true> : vector<16xi1>
  %m8 = arith.constant dense<true> : vector<8xi1>
  %pi = arith.constant dense<0> : vector<16xi32>
  %pf = arith.constant dense<0.0> : vector<16xf32>
  %pd = arith.constant dense<0.0> : vector<16xf64>
  %p8 = arith.constant dense<0.0> : vector<8xf32>
  %a = vector.gather %big[%c0] [%idx], %m, %pi : tensor<300xi32>, vector<16xindex>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %b = vector.gather %t[%c0] [%idx], %m, %pf : tensor<16xf32>, vector<16xindex>, vector<16xi1>, vector<16xf32> into vector<16xf32>
  %c = vector.gather %f64[%c0] [%idx], %m, %pd : tensor<2xf64>, vector<16xindex>, vector<16xi1>, vector<16xf64> into vector<16xf64>
  %d = vector.gather %small[%c0] [%idx8], %m8, %p8 : tensor<2xf32>, vector<8xindex>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  %e = vector.gather %small[%off] [%idx], %m, %pf : tensor<2xf32>, vector<16xindex>, vector<16xi1>, vector<16xf32> into vector<16xf32>
  return %a, %b, %c, %d, %e : vector<16xi32>, vector<16xf32>, vector<16xf64>, vector<8xf32>, vector<16xf32>
}
