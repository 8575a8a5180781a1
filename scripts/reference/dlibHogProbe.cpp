// Development probe: dumps dlib's intermediate values of the frontal face detector for one image, so the
// TypeScript re-implementation (src/data/faces/dlibHog) can be compared number by number. Not part of the product.
//
//   g++ -O2 -std=c++17 -o /tmp/dlibHogProbe scripts/reference/dlibHogProbe.cpp -ldlib -lpthread -lpng -ljpeg -lz \
//       -l:libblas.so.3 -l:liblapack.so.3
//   /tmp/dlibHogProbe image.png outdir [levels]
//
// Writes outdir/level<l>.rgb (the 2x pyramid_up image is level 0, then pyramid_down<6> steps), feats<l>.f32
// (extract_fhog_features with the scanner's 10x10 padding: 31 planes, row-major), scores<l>_<d>.f32 (saliency
// image of weight vector d minus its threshold) and meta.json (sizes and the detector's own output on level 0).
#include <dlib/image_io.h>
#include <dlib/image_processing/frontal_face_detector.h>

#include <fstream>
#include <iostream>
#include <string>

using namespace dlib;

template <typename T>
static void write_raw(const std::string& path, const T* data, size_t count) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), count * sizeof(T));
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: dlibHogProbe image outdir [levels]\n";
    return 2;
  }
  const std::string dir = argv[2];
  const unsigned long max_levels = argc > 3 ? std::stoul(argv[3]) : 4;
  frontal_face_detector detector = get_frontal_face_detector();
  array2d<rgb_pixel> img, up;
  load_image(img, argv[1]);
  pyramid_down<2> pyr2;
  pyramid_up(img, up, pyr2);

  std::ofstream meta(dir + "/meta.json");
  meta << "{\"width\":" << img.nc() << ",\"height\":" << img.nr() << ",\"levels\":[";
  array2d<rgb_pixel> level, next;
  assign_image(level, up);
  pyramid_down<6> pyr6;
  for (unsigned long l = 0; l < max_levels; ++l) {
    std::vector<unsigned char> rgb;
    for (long r = 0; r < level.nr(); ++r)
      for (long c = 0; c < level.nc(); ++c) {
        rgb.push_back(level[r][c].red);
        rgb.push_back(level[r][c].green);
        rgb.push_back(level[r][c].blue);
      }
    write_raw(dir + "/level" + std::to_string(l) + ".rgb", rgb.data(), rgb.size());
    dlib::array<array2d<float>> hog;
    extract_fhog_features(level, hog, 8, 10, 10);
    std::vector<float> feats;
    for (size_t p = 0; p < hog.size(); ++p)
      for (long r = 0; r < hog[p].nr(); ++r)
        for (long c = 0; c < hog[p].nc(); ++c) feats.push_back(hog[p][r][c]);
    write_raw(dir + "/feats" + std::to_string(l) + ".f32", feats.data(), feats.size());
    meta << (l ? "," : "") << "{\"width\":" << level.nc() << ",\"height\":" << level.nr()
         << ",\"featRows\":" << (hog.size() ? hog[0].nr() : 0) << ",\"featCols\":" << (hog.size() ? hog[0].nc() : 0)
         << "}";
    for (unsigned long d = 0; d < detector.num_detectors(); ++d) {
      const auto& processed = detector.get_processed_w(d);
      const double threshold = processed.w(detector.get_scanner().get_num_dimensions());
      array2d<float> saliency;
      impl::apply_filters_to_fhog(processed.get_detect_argument(), hog, saliency);
      std::vector<float> scores;
      for (long r = 0; r < saliency.nr(); ++r)
        for (long c = 0; c < saliency.nc(); ++c) scores.push_back(saliency[r][c] - threshold);
      write_raw(dir + "/scores" + std::to_string(l) + "_" + std::to_string(d) + ".f32", scores.data(), scores.size());
    }
    pyr6(level, next);
    swap(level, next);
  }
  std::vector<rect_detection> found;
  detector(up, found, 0.0);
  meta << "],\"detections\":[";
  for (size_t i = 0; i < found.size(); ++i) {
    const rectangle r = pyr2.rect_down(found[i].rect, 1);
    meta << (i ? "," : "") << "{\"rect\":[" << r.left() << "," << r.top() << "," << r.right() << "," << r.bottom()
         << "],\"upRect\":[" << found[i].rect.left() << "," << found[i].rect.top() << "," << found[i].rect.right()
         << "," << found[i].rect.bottom() << "],\"score\":" << found[i].detection_confidence
         << ",\"detector\":" << found[i].weight_index << "}";
  }
  meta << "]}\n";
  return 0;
}
