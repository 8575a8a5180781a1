// Reference face boxes and 68-point landmarks from real dlib, as the official FS-VFM data preparation gets them
// (SPEC §6.1: HOG frontal face detector on the RGB frame, one upsampling pass). Not part of the product: it makes
// the committed fixture test/fixtures/crops/dlib-reference.json (see makeDlibReference.mjs beside it).
//
// usage: dlibFaces <shape_predictor_68_face_landmarks.dat> <image>...   → one JSON line per image on stdout
#include <dlib/image_io.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: dlibFaces <shape_predictor_68_face_landmarks.dat> <image>...\n";
    return 2;
  }
  dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
  dlib::shape_predictor predictor;
  dlib::deserialize(argv[1]) >> predictor;
  for (int i = 2; i < argc; ++i) {
    dlib::array2d<dlib::rgb_pixel> img;
    dlib::load_image(img, argv[i]);
    // What dlib's Python `detector(rgb, 1)` does: upsample once with pyramid_up, detect at threshold 0, map back.
    dlib::pyramid_down<2> pyr;
    dlib::array2d<dlib::rgb_pixel> up;
    dlib::pyramid_up(img, up, pyr);
    std::vector<dlib::rect_detection> found;
    detector(up, found, 0.0);
    std::vector<dlib::rectangle> faces;
    for (const dlib::rect_detection& d : found) faces.push_back(pyr.rect_down(d.rect, 1));
    std::cout << "{\"file\":\"" << argv[i] << "\",\"width\":" << img.nc() << ",\"height\":" << img.nr()
              << ",\"faces\":[";
    for (size_t f = 0; f < faces.size(); ++f) {
      const dlib::rectangle& r = faces[f];
      const dlib::full_object_detection shape = predictor(img, r);
      std::cout << (f ? "," : "") << "{\"rect\":[" << r.left() << "," << r.top() << "," << r.right() << ","
                << r.bottom() << "],\"landmarks\":[";
      for (unsigned long k = 0; k < shape.num_parts(); ++k) {
        std::cout << (k ? "," : "") << "[" << shape.part(k).x() << "," << shape.part(k).y() << "]";
      }
      std::cout << "]}";
    }
    std::cout << "]}\n";
  }
  return 0;
}
