#include "gmmlab/drawing.hpp"

#include <opencv2/imgproc.hpp>

namespace gmmlab::drawing {

static_assert(kFont == cv::FONT_HERSHEY_SIMPLEX);

void text(cv::Mat& img, const std::string& s, cv::Point at, double scale, cv::Scalar colour, int thickness) {
  cv::putText(img, s, at, kFont, scale, colour, thickness, cv::LINE_AA);
}

int text_width(const std::string& s, double scale, int thickness) {
  int baseline = 0;
  return cv::getTextSize(s, kFont, scale, thickness, &baseline).width;
}

void text_centred(cv::Mat& img, const std::string& s, cv::Point at, double scale, cv::Scalar colour, int thick) {
  text(img, s, {at.x - text_width(s, scale, thick) / 2, at.y}, scale, colour, thick);
}

void text_vertical(cv::Mat& img, const std::string& s, cv::Point centre, double scale, cv::Scalar colour,
                   cv::Scalar background) {
  int baseline = 0;
  const cv::Size size = cv::getTextSize(s, kFont, scale, 1, &baseline);
  cv::Mat strip(size.height + baseline + 4, size.width + 4, CV_8UC3, background);
  text(strip, s, {2, size.height + 2}, scale, colour);
  cv::rotate(strip, strip, cv::ROTATE_90_COUNTERCLOCKWISE);
  const cv::Rect where(centre.x - strip.cols / 2, centre.y - strip.rows / 2, strip.cols, strip.rows);
  const cv::Rect inside = where & cv::Rect(0, 0, img.cols, img.rows);
  strip(cv::Rect(inside.x - where.x, inside.y - where.y, inside.width, inside.height)).copyTo(img(inside));
}

}  // namespace gmmlab::drawing
